package dev.earlybird.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When to try a failing target again: doubling from one poll interval up to a cap, with +-20% jitter so a
 * fleet that failed together (a DNS outage, a failover) does not come back in lockstep.
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;
  private final RandomGenerator random;
  private int failures;
  private Instant notBefore = Instant.MIN;
  private Instant failedAt = Instant.MIN;

  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    this.base = base;
    this.cap = cap.compareTo(base) < 0 ? base : cap;
    this.random = random;
  }

  boolean mayTry(Instant now) {
    if (now.isBefore(failedAt)) {
      // The wall clock stepped back: the wait runs from now, or the target would stay untried as long as the step.
      notBefore = notBefore.minus(Duration.between(now, failedAt));
      failedAt = now;
    }
    return !now.isBefore(notBefore);
  }

  void failed(Instant now) {
    failures++;
    failedAt = now;
    long factor = 1L << Math.min(failures - 1, 20);
    Duration wait = base.multipliedBy(factor);
    if (wait.compareTo(cap) > 0) {
      wait = cap;
    }
    double jitter = 0.8 + 0.4 * random.nextDouble();
    notBefore = now.plusMillis((long) (wait.toMillis() * jitter)).minus(base);
  }

  void succeeded() {
    failures = 0;
    notBefore = Instant.MIN;
    failedAt = Instant.MIN;
  }

  int failures() {
    return failures;
  }
}
