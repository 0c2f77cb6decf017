package dev.earlybird.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each target's poller on its own virtual thread at a fixed rate. A slow or dead target only delays
 * itself; a poll that overruns its slot makes the missed ticks skipped (counted), never queued, so there is
 * never more than one poll in flight per target. Start times are spread over the first interval so a fleet
 * is not polled in one burst.
 */
public final class PollLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

  private final List<TargetPoller> pollers;
  private final Duration interval;
  private final InstantSource clock;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public PollLoop(List<TargetPoller> pollers, Duration interval, InstantSource clock) {
    this.pollers = List.copyOf(pollers);
    this.interval = interval;
    this.clock = clock;
  }

  public void start() {
    running = true;
    long spreadMs = Math.min(interval.toMillis() / 10, 5_000);
    for (TargetPoller p : pollers) {
      long offset = spreadMs == 0 ? 0 : ThreadLocalRandom.current().nextLong(spreadMs);
      threads.add(Thread.ofVirtual().name("poll-" + p.targetName()).start(() -> loop(p, offset)));
    }
  }

  private void loop(TargetPoller poller, long offsetMs) {
    Instant next = clock.instant().plusMillis(offsetMs);
    while (running) {
      waitUntil(next);
      if (!running) {
        break;
      }
      poller.pollOnce();
      next = next.plus(interval);
      Instant now = clock.instant();
      while (!next.isAfter(now)) {
        next = next.plus(interval);
        log.debug("target {}: poll overran its interval, skipping a tick", poller.targetName());
        poller.skipped();
      }
    }
    poller.close();
  }

  private void waitUntil(Instant when) {
    while (running) {
      long nanos = Duration.between(clock.instant(), when).toNanos();
      if (nanos <= 0) {
        return;
      }
      LockSupport.parkNanos(Math.min(nanos, 200_000_000L));
    }
  }

  /** Stops scheduling; a poll in flight finishes (bounded by its statement timeout) before this returns. */
  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      LockSupport.unpark(t);
    }
    for (Thread t : threads) {
      try {
        if (!t.join(interval.plusSeconds(5))) {
          log.warn("{} did not stop in time", t.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
