package dev.earlybird.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a round every {@code interval} on a virtual thread of its own: never two rounds at once, and a round that
 * overruns skips the ticks it missed rather than running back to back. The AWS loops and discovery share it.
 */
final class Periodic {
  private static final Logger log = LoggerFactory.getLogger(Periodic.class);
  /** The longest a sleeping loop takes to notice {@link #close}. */
  private static final long MAX_PARK_NANOS = 200_000_000L;

  private final String name;
  private final Duration interval;
  private final InstantSource clock;
  private final Runnable round;
  private volatile boolean running;
  private Thread thread;

  Periodic(String name, Duration interval, InstantSource clock, Runnable round) {
    this.name = name;
    this.interval = interval;
    this.clock = clock;
    this.round = round;
  }

  /** The first round runs after {@code firstAfter} (zero: at once). */
  void start(Duration firstAfter) {
    running = true;
    thread = Thread.ofVirtual().name(name).start(() -> loop(clock.instant().plus(firstAfter)));
  }

  boolean running() {
    return running;
  }

  private void loop(Instant next) {
    while (running) {
      long nanos = Duration.between(clock.instant(), next).toNanos();
      if (nanos > 0) {
        LockSupport.parkNanos(Math.min(nanos, MAX_PARK_NANOS));
        continue;
      }
      try {
        round.run();
      } catch (RuntimeException e) { // the round's own handling failed; the loop must go on
        log.error("{}: a round failed; the next runs on schedule", name, e);
      }
      Instant now = clock.instant();
      while (!next.isAfter(now)) {
        next = next.plus(interval);
      }
    }
  }

  /** Stops scheduling and waits up to {@code wait} for the round in flight; false if it is still running. */
  boolean close(Duration wait) {
    running = false;
    if (thread == null) {
      return true;
    }
    LockSupport.unpark(thread);
    try {
      return thread.join(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
