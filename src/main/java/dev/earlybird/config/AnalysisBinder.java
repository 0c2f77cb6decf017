package dev.earlybird.config;

import java.util.List;
import java.util.Optional;

/** Binds {@code analysis:}. Windows accept seconds so tests can simulate weeks quickly. */
final class AnalysisBinder {
  static final List<String> KEYS = List.of("hot", "baseline", "regression");
  static final List<String> HOT_KEYS = List.of("top");
  static final List<String> BASELINE_KEYS = List.of("mode", "lookback");
  static final List<String> REGRESSION_KEYS = List.of("window", "minCalls", "minRatio");

  private AnalysisBinder() {}

  static AnalysisConfig bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return AnalysisConfig.defaults();
    }
    MapNode m = section.get();
    HotConfig hot = m.map("hot", HOT_KEYS)
        .map(h -> new HotConfig(h.value("top", Values.integer(1, HotConfig.MAX_TOP), HotConfig.DEFAULT_TOP)))
        .orElseGet(HotConfig::defaults);
    BaselineConfig baseline = m.map("baseline", BASELINE_KEYS)
        .map(b -> new BaselineConfig(
            b.value("mode", Values.lowercaseEnum(BaselineMode.class, "baseline mode"), BaselineConfig.DEFAULT_MODE),
            b.value("lookback", Values.duration(false), BaselineConfig.DEFAULT_LOOKBACK)))
        .orElseGet(BaselineConfig::defaults);
    RegressionConfig regression = m.map("regression", REGRESSION_KEYS)
        .map(r -> new RegressionConfig(
            r.value("window", Values.duration(false), RegressionConfig.DEFAULT_WINDOW),
            r.value("minCalls", Values.integer(1, Integer.MAX_VALUE), RegressionConfig.DEFAULT_MIN_CALLS),
            r.value("minRatio", Values.number(1.0), RegressionConfig.DEFAULT_MIN_RATIO)))
        .orElseGet(RegressionConfig::defaults);
    return new AnalysisConfig(hot, baseline, regression);
  }
}
