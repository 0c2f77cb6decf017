package dev.earlybird.config;

import java.time.Duration;
import java.util.Objects;

/** Invariants the records check in their compact constructors, for configs built in code. */
final class Checks {
  private Checks() {}

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + Durations.format(d));
    }
    return d;
  }

  static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
    return value;
  }
}
