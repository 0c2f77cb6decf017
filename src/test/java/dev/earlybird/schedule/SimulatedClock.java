package dev.earlybird.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves by hand, so a fortnight of schedules runs in milliseconds. */
final class SimulatedClock implements InstantSource {
  private Instant now;

  SimulatedClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  void set(Instant instant) {
    now = instant;
  }

  void advance(Duration d) {
    now = now.plus(d);
  }
}
