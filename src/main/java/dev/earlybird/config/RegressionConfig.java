package dev.earlybird.config;

import java.time.Duration;

/**
 * When a statement counts as regressed (see DESIGN.md decision 4): per-call mean above its baseline by
 * {@code minRatio}, AND Welch's test significant at {@code maxPValue}, AND the extra time per hour at least
 * {@code minExtraPerHour}, AND all of it for {@code persistence} consecutive windows. A finding resolves after
 * {@code resolveAfter} consecutive windows without the condition.
 *
 * @param window the recent window compared against the baseline; also the analysis' evaluation step
 * @param minCalls calls needed in the window (and in the baseline) before a per-call comparison means anything
 * @param minRatio window mean per call over baseline mean per call; above 1 by definition
 * @param maxPValue significance level of the one-sided Welch t-test
 * @param minExtraPerHour (window mean - baseline mean) x window calls, scaled to an hour: the impact floor
 */
public record RegressionConfig(
    Duration window,
    int minCalls,
    double minRatio,
    double maxPValue,
    Duration minExtraPerHour,
    int persistence,
    int resolveAfter) {
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  public static final int DEFAULT_MIN_CALLS = 50;
  public static final double DEFAULT_MIN_RATIO = 1.5;
  public static final double DEFAULT_MAX_P_VALUE = 0.01;
  /** 30 s of extra execution time per hour: under 1% of one core, above the noise of a busy statement. */
  public static final Duration DEFAULT_MIN_EXTRA_PER_HOUR = Duration.ofSeconds(30);
  public static final int DEFAULT_PERSISTENCE = 2;
  public static final int DEFAULT_RESOLVE_AFTER = 2;

  public RegressionConfig {
    Checks.positive(window, "analysis.regression.window");
    Checks.atLeast(minCalls, 1, "analysis.regression.minCalls");
    if (!(minRatio > 1.0) || Double.isInfinite(minRatio)) {
      throw new IllegalArgumentException("analysis.regression.minRatio must be above 1, got " + minRatio);
    }
    if (!(maxPValue > 0 && maxPValue < 1)) {
      throw new IllegalArgumentException("analysis.regression.maxPValue must be between 0 and 1, got " + maxPValue);
    }
    if (minExtraPerHour == null || minExtraPerHour.isNegative()) {
      throw new IllegalArgumentException("analysis.regression.minExtraPerHour must be zero or more");
    }
    Checks.atLeast(persistence, 1, "analysis.regression.persistence");
    Checks.atLeast(resolveAfter, 1, "analysis.regression.resolveAfter");
  }

  /** The contract's three keys; the rest at their defaults. */
  public RegressionConfig(Duration window, int minCalls, double minRatio) {
    this(window, minCalls, minRatio, DEFAULT_MAX_P_VALUE, DEFAULT_MIN_EXTRA_PER_HOUR, DEFAULT_PERSISTENCE,
        DEFAULT_RESOLVE_AFTER);
  }

  public static RegressionConfig defaults() {
    return new RegressionConfig(DEFAULT_WINDOW, DEFAULT_MIN_CALLS, DEFAULT_MIN_RATIO);
  }

  /** The impact floor over one window, in milliseconds. */
  public double minExtraMsPerWindow() {
    return minExtraPerHour.toNanos() / 1e6 * (window.toNanos() / 3.6e12);
  }
}
