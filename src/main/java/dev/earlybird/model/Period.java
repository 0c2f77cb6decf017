package dev.earlybird.model;

import java.time.Duration;
import java.time.Instant;

/** A half-open time span {@code (from, to]}: an interval belongs to it when its END lies inside. */
public record Period(Instant from, Instant to) {
  public Period {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("period ends before it starts: " + from + " .. " + to);
    }
  }

  public Duration length() {
    return Duration.between(from, to);
  }
}
