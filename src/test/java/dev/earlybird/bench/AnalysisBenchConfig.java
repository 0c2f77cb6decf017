package dev.earlybird.bench;

/**
 * What {@link AnalysisBench} builds and how often it measures; every value bounded so a typo cannot fill the
 * disk. Series are {@code targets x databases x queryIds}; {@code databases} per target follows from {@code
 * series}.
 *
 * @param density fraction of the hours in which a series has a rollup row (1 = every hour, 672 rows per series
 *     over 28 days)
 * @param windowIntervals at most this many raw intervals per series in the evaluated window (1..n each)
 * @param regressions series whose per-call time triples in the window
 * @param newStatements series that exist only in the window
 * @param zones tenant time zones (1 = every tenant in UTC; more = more seasonal baseline plans)
 * @param seasonal measure the seasonal baseline (the default mode)
 * @param rolling measure the rolling baseline over {@code days} (after the seasonal one)
 * @param keepStore keep the store file after the run (to inspect it; it can take tens of GB)
 */
record AnalysisBenchConfig(
    int series,
    int targets,
    int queryIds,
    int days,
    double density,
    int windowIntervals,
    int regressions,
    int newStatements,
    int zones,
    int runs,
    boolean seasonal,
    boolean rolling,
    boolean keepStore) {

  static AnalysisBenchConfig fromSystemProperties() {
    int targets = BenchConfig.intProp("bench.targets", 20, 1, 1000);
    int queryIds = BenchConfig.intProp("bench.queryIds", 100, 1, 10_000);
    int series = BenchConfig.intProp("bench.series", 1_000_000, targets * queryIds, 20_000_000);
    return new AnalysisBenchConfig(
        series - series % (targets * queryIds),
        targets,
        queryIds,
        BenchConfig.intProp("bench.days", 28, 1, 60),
        BenchConfig.doubleProp("bench.density", 1.0, 0.001, 1.0),
        BenchConfig.intProp("bench.windowIntervals", 4, 1, 60),
        BenchConfig.intProp("bench.regressions", 100, 0, 100_000),
        BenchConfig.intProp("bench.newStatements", 100, 0, 100_000),
        BenchConfig.intProp("bench.zones", 4, 1, AnalysisFleet.ZONES.size()),
        BenchConfig.intProp("bench.runs", 5, 1, 50),
        Boolean.parseBoolean(System.getProperty("bench.seasonal", "true")),
        Boolean.parseBoolean(System.getProperty("bench.rolling", "true")),
        Boolean.parseBoolean(System.getProperty("bench.keepStore", "false")));
  }

  int databasesPerTarget() {
    return series / (targets * queryIds);
  }
}
