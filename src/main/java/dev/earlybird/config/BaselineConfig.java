package dev.earlybird.config;

import java.time.Duration;
import java.util.Objects;

/** @param lookback how much history a baseline uses; seconds are allowed so tests can run fast */
public record BaselineConfig(BaselineMode mode, Duration lookback) {
  public static final BaselineMode DEFAULT_MODE = BaselineMode.SEASONAL;
  public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(28);

  public BaselineConfig {
    Objects.requireNonNull(mode, "mode");
    Checks.positive(lookback, "analysis.baseline.lookback");
  }

  public static BaselineConfig defaults() {
    return new BaselineConfig(DEFAULT_MODE, DEFAULT_LOOKBACK);
  }
}
