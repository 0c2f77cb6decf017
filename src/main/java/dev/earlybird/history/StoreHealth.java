package dev.earlybird.history;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the history store can write, as its last write found: a store failure (a full disk, say) is the
 * store's state, not a target's. The listener hears the two transitions only, never each failed write, so a
 * failing store is reported once when it starts failing and once when it writes again.
 */
public final class StoreHealth {
  /** Hears when the store starts failing and when it writes again. */
  public interface Listener {
    void failing(String problem);

    void recovered(Duration after, long failedWrites);
  }

  private final InstantSource clock;
  private final AtomicLong errors = new AtomicLong();
  private volatile Listener listener = new Listener() {
    @Override
    public void failing(String problem) {}

    @Override
    public void recovered(Duration after, long failedWrites) {}
  };
  /** Null while the store writes; else what the first failed write of this outage said. */
  private volatile String problem;
  private Instant failingSince;
  private long failedWrites;

  public StoreHealth(InstantSource clock) {
    this.clock = clock;
  }

  public void listen(Listener l) {
    this.listener = l;
  }

  /** A write failed (the store rolled it back). */
  synchronized void failed(String message) {
    errors.incrementAndGet();
    failedWrites++;
    if (problem == null) {
      problem = message;
      failingSince = clock.instant();
      listener.failing(message);
    }
  }

  /** A write was committed. */
  synchronized void succeeded() {
    if (problem != null) {
      Duration after = Duration.between(failingSince, clock.instant());
      long failed = failedWrites;
      problem = null;
      failingSince = null;
      failedWrites = 0;
      listener.recovered(after, failed);
    }
  }

  public boolean up() {
    return problem == null;
  }

  /** Why the store cannot write, while it cannot. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Failed writes since the agent started. */
  public long errors() {
    return errors.get();
  }
}
