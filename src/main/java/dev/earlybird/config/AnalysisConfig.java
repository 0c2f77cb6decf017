package dev.earlybird.config;

import java.util.Objects;

/** Settings of the analysis stage: hot list, baselines, regression test, cross-tenant outliers. */
public record AnalysisConfig(
    HotConfig hot, BaselineConfig baseline, RegressionConfig regression, OutlierConfig outlier) {
  public AnalysisConfig {
    Objects.requireNonNull(hot, "hot");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(regression, "regression");
    Objects.requireNonNull(outlier, "outlier");
  }

  public static AnalysisConfig defaults() {
    return new AnalysisConfig(
        HotConfig.defaults(), BaselineConfig.defaults(), RegressionConfig.defaults(), OutlierConfig.defaults());
  }
}
