package dev.earlybird.config;

/**
 * When one database runs the same SQL (family) far slower per call than the fleet does.
 *
 * @param minRatio the database's mean per call over the family's median across databases
 * @param minDatabases databases that must run the family (with minCalls each) for a median to mean anything
 */
public record OutlierConfig(double minRatio, int minDatabases) {
  public static final double DEFAULT_MIN_RATIO = 3.0;
  public static final int DEFAULT_MIN_DATABASES = 4;

  public OutlierConfig {
    if (!(minRatio > 1.0) || Double.isInfinite(minRatio)) {
      throw new IllegalArgumentException("analysis.outlier.minRatio must be above 1, got " + minRatio);
    }
    Checks.atLeast(minDatabases, 3, "analysis.outlier.minDatabases");
  }

  public static OutlierConfig defaults() {
    return new OutlierConfig(DEFAULT_MIN_RATIO, DEFAULT_MIN_DATABASES);
  }
}
