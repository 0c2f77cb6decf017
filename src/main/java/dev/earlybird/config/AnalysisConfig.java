package dev.earlybird.config;

import java.util.Objects;

/** Settings of the analysis stage: hot list, baselines, regression test. */
public record AnalysisConfig(HotConfig hot, BaselineConfig baseline, RegressionConfig regression) {
  public AnalysisConfig {
    Objects.requireNonNull(hot, "hot");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(regression, "regression");
  }

  public static AnalysisConfig defaults() {
    return new AnalysisConfig(HotConfig.defaults(), BaselineConfig.defaults(), RegressionConfig.defaults());
  }
}
