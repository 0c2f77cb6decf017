package dev.earlybird.web;

import java.util.concurrent.atomic.AtomicBoolean;

/** Set once the config is loaded, the store is open and polling is scheduled; cleared on shutdown. */
public final class Readiness {
  private final AtomicBoolean ready = new AtomicBoolean();

  public void set(boolean value) {
    ready.set(value);
  }

  public boolean isReady() {
    return ready.get();
  }
}
