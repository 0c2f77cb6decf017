package dev.earlybird.config;

import java.time.Duration;

/**
 * How long history is kept (top-level key {@code retention:}).
 *
 * @param intervals raw per-poll intervals (big; short)
 * @param hourly hourly rollups (seasonal baselines need several weeks)
 * @param daily daily rollups (year-over-year views)
 */
public record RetentionConfig(Duration intervals, Duration hourly, Duration daily) {
  public static final Duration DEFAULT_INTERVALS = Duration.ofHours(48);
  public static final Duration DEFAULT_HOURLY = Duration.ofDays(35);
  public static final Duration DEFAULT_DAILY = Duration.ofDays(400);

  public RetentionConfig {
    Checks.positive(intervals, "retention.intervals");
    Checks.positive(hourly, "retention.hourly");
    Checks.positive(daily, "retention.daily");
  }

  public static RetentionConfig defaults() {
    return new RetentionConfig(DEFAULT_INTERVALS, DEFAULT_HOURLY, DEFAULT_DAILY);
  }
}
