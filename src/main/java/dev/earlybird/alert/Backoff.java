package dev.earlybird.alert;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before trying a receiver again: doubling from {@code first} up to {@code cap}, with jitter (a
 * random half of the step added), so that many agents behind one broken receiver do not retry in lockstep. A
 * receiver's own {@code Retry-After} wins when it asks for longer. Pure apart from the random source.
 */
record Backoff(Duration first, Duration cap, RandomGenerator random) {
  static Backoff standard(RandomGenerator random) {
    return new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), random);
  }

  /** @param attempts attempts made so far, the one that just failed included (1 = first failure) */
  Duration after(int attempts, java.util.Optional<Duration> asked) {
    long base = first.toMillis();
    long step = attempts >= 20 ? cap.toMillis() : Math.min(cap.toMillis(), base << Math.max(0, attempts - 1));
    long wait = step / 2 + (long) (random.nextDouble() * (step / 2.0));
    Duration own = Duration.ofMillis(Math.max(wait, 1));
    return asked.filter(a -> a.compareTo(own) > 0).map(a -> a.compareTo(Duration.ofHours(1)) > 0
        ? Duration.ofHours(1) : a).orElse(own);
  }
}
