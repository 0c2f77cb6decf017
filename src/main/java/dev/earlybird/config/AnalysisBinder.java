package dev.earlybird.config;

import java.util.List;
import java.util.Optional;

/** Binds {@code analysis:}. Windows accept seconds so tests can simulate weeks quickly. */
final class AnalysisBinder {
  static final List<String> KEYS = List.of("hot", "baseline", "regression", "outlier");
  static final List<String> HOT_KEYS = List.of("top", "findings");
  static final List<String> BASELINE_KEYS = List.of("mode", "lookback");
  static final List<String> REGRESSION_KEYS =
      List.of("window", "minCalls", "minRatio", "maxPValue", "minExtraPerHour", "persistence", "resolveAfter");
  static final List<String> OUTLIER_KEYS = List.of("minRatio", "minDatabases");

  private AnalysisBinder() {}

  static AnalysisConfig bind(Optional<MapNode> section) {
    if (section.isEmpty()) {
      return AnalysisConfig.defaults();
    }
    MapNode m = section.get();
    HotConfig hot = m.map("hot", HOT_KEYS)
        .flatMap(h -> {
          int top = h.value("top", Values.integer(1, HotConfig.MAX_TOP), HotConfig.DEFAULT_TOP);
          int findings = h.value("findings", Values.integer(0, HotConfig.MAX_TOP), Math.min(HotConfig.DEFAULT_FINDINGS, top));
          return h.build(() -> new HotConfig(top, findings));
        })
        .orElseGet(HotConfig::defaults);
    BaselineConfig baseline = m.map("baseline", BASELINE_KEYS)
        .map(b -> new BaselineConfig(
            b.value("mode", Values.lowercaseEnum(BaselineMode.class, "baseline mode"), BaselineConfig.DEFAULT_MODE),
            b.value("lookback", Values.duration(false), BaselineConfig.DEFAULT_LOOKBACK)))
        .orElseGet(BaselineConfig::defaults);
    RegressionConfig regression = m.map("regression", REGRESSION_KEYS)
        .flatMap(r -> {
          var window = r.value("window", Values.duration(false), RegressionConfig.DEFAULT_WINDOW);
          int minCalls = r.value("minCalls", Values.integer(1, Integer.MAX_VALUE), RegressionConfig.DEFAULT_MIN_CALLS);
          double minRatio = r.value("minRatio", Values.number(1.0), RegressionConfig.DEFAULT_MIN_RATIO);
          double maxP = r.value("maxPValue", Values.number(0.0), RegressionConfig.DEFAULT_MAX_P_VALUE);
          var floor = r.value("minExtraPerHour", Values.duration(true), RegressionConfig.DEFAULT_MIN_EXTRA_PER_HOUR);
          int persistence = r.value("persistence", Values.integer(1, 1000), RegressionConfig.DEFAULT_PERSISTENCE);
          int resolveAfter = r.value("resolveAfter", Values.integer(1, 1000), RegressionConfig.DEFAULT_RESOLVE_AFTER);
          return r.build(() -> new RegressionConfig(window, minCalls, minRatio, maxP, floor, persistence, resolveAfter));
        })
        .orElseGet(RegressionConfig::defaults);
    OutlierConfig outlier = m.map("outlier", OUTLIER_KEYS)
        .map(o -> new OutlierConfig(
            o.value("minRatio", Values.number(1.0), OutlierConfig.DEFAULT_MIN_RATIO),
            o.value("minDatabases", Values.integer(3, 10_000), OutlierConfig.DEFAULT_MIN_DATABASES)))
        .orElseGet(OutlierConfig::defaults);
    return new AnalysisConfig(hot, baseline, regression, outlier);
  }
}
