package dev.earlybird.config;

/**
 * The {@code metrics:} section: what {@code /metrics} exports beyond the fixed per-target and per-database series.
 *
 * @param statementsTop per target, how many statements (by CPU) get their own series; 0 (the default) exports
 *     none, because per-statement series are what blows up Prometheus when left unbounded
 * @param statementsMaxSeries the hard budget of per-statement series over the whole agent (3 per statement);
 *     statements that would go over it are left out and counted
 */
public record MetricsConfig(int statementsTop, int statementsMaxSeries) {
  public static final int DEFAULT_MAX_SERIES = 500;
  public static final MetricsConfig DEFAULT = new MetricsConfig(0, DEFAULT_MAX_SERIES);

  public MetricsConfig {
    if (statementsTop < 0) {
      throw new IllegalArgumentException("metrics.statements.top must not be negative");
    }
    if (statementsMaxSeries < 0) {
      throw new IllegalArgumentException("metrics.statements.maxSeries must not be negative");
    }
  }
}
