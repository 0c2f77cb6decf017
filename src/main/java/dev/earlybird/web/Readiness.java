package dev.earlybird.web;

import dev.earlybird.history.StoreHealth;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Set once the config is loaded, the store is open and polling is scheduled; cleared on shutdown. Also not
 * ready while the history store cannot write (a full disk): the agent still serves what it stored, but what it
 * polls is not being kept, and a load balancer or operator should see that.
 */
public final class Readiness {
  private final AtomicBoolean ready = new AtomicBoolean();
  private final StoreHealth store;

  public Readiness(StoreHealth store) {
    this.store = store;
  }

  public void set(boolean value) {
    ready.set(value);
  }

  public boolean isReady() {
    return notReadyBecause().isEmpty();
  }

  /** Why the agent is not ready, or empty when it is. */
  public Optional<String> notReadyBecause() {
    if (!ready.get()) {
      return Optional.of("starting or stopping");
    }
    return store.problem().map(p -> "the history store cannot write: " + p);
  }
}
