package dev.earlybird.history;

import java.time.Duration;

/** How long each resolution is kept: raw intervals, hourly rollups, daily rollups. */
public record Retention(Duration intervals, Duration hourly, Duration daily) {
  public static final Retention DEFAULT = new Retention(Duration.ofHours(48), Duration.ofDays(35), Duration.ofDays(400));

  public Retention {
    if (intervals.isNegative() || hourly.isNegative() || daily.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative: " + intervals + "/" + hourly + "/" + daily);
    }
  }
}
