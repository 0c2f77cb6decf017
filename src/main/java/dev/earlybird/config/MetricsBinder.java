package dev.earlybird.config;

import java.util.List;
import java.util.Optional;

/** Binds {@code metrics:}. */
final class MetricsBinder {
  static final List<String> KEYS = List.of("statements");
  static final List<String> STATEMENT_KEYS = List.of("top", "maxSeries");

  private MetricsBinder() {}

  static MetricsConfig bind(Optional<MapNode> section) {
    Optional<MapNode> statements = section.flatMap(m -> m.map("statements", STATEMENT_KEYS));
    if (statements.isEmpty()) {
      return MetricsConfig.DEFAULT;
    }
    MapNode s = statements.get();
    int top = s.value("top", Values.integer(0, 1000), 0);
    int maxSeries = s.value("maxSeries", Values.integer(0, 100_000), MetricsConfig.DEFAULT_MAX_SERIES);
    return s.build(() -> new MetricsConfig(top, maxSeries)).orElse(MetricsConfig.DEFAULT);
  }
}
