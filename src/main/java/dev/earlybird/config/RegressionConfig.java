package dev.earlybird.config;

import java.time.Duration;

/**
 * When a statement counts as regressed (see DESIGN.md decision 4).
 *
 * @param window the recent window compared against the baseline
 * @param minCalls calls needed in the window before a per-call comparison means anything
 * @param minRatio window mean per call over baseline mean per call; above 1 by definition
 */
public record RegressionConfig(Duration window, int minCalls, double minRatio) {
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  public static final int DEFAULT_MIN_CALLS = 50;
  public static final double DEFAULT_MIN_RATIO = 1.5;

  public RegressionConfig {
    Checks.positive(window, "analysis.regression.window");
    Checks.atLeast(minCalls, 1, "analysis.regression.minCalls");
    if (!(minRatio > 1.0) || Double.isInfinite(minRatio)) {
      throw new IllegalArgumentException("analysis.regression.minRatio must be above 1, got " + minRatio);
    }
  }

  public static RegressionConfig defaults() {
    return new RegressionConfig(DEFAULT_WINDOW, DEFAULT_MIN_CALLS, DEFAULT_MIN_RATIO);
  }
}
