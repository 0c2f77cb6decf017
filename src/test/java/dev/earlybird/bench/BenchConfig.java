package dev.earlybird.bench;

/** What the bench builds and how long it measures; every value bounded so a typo cannot run for hours. */
record BenchConfig(
    int pgMajor,
    int databases,
    int statementsPerDb,
    int executions,
    int pgssMax,
    int warmup,
    int rounds,
    double churnPercent,
    int maxMinutes) {

  static BenchConfig fromSystemProperties() {
    int databases = intProp("bench.databases", 100, 1, 500);
    int statements = intProp("bench.statements", 100, 1, 900);
    // Room for every generated entry plus the harness' own statements, so nothing is evicted mid-bench.
    int pgssMax = Math.max(20_000, databases * statements * 2);
    return new BenchConfig(
        intProp("bench.pg", 17, 13, 18),
        databases,
        statements,
        intProp("bench.executions", 2, 1, 20),
        pgssMax,
        intProp("bench.warmup", 5, 1, 50),
        intProp("bench.rounds", 30, 3, 500),
        doubleProp("bench.churnPercent", 1.0, 0.0, 100.0),
        intProp("bench.maxMinutes", 15, 1, 60));
  }

  static int intProp(String name, int fallback, int min, int max) {
    int v = Integer.parseInt(System.getProperty(name, Integer.toString(fallback)).strip());
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + v);
    }
    return v;
  }

  static double doubleProp(String name, double fallback, double min, double max) {
    double v = Double.parseDouble(System.getProperty(name, Double.toString(fallback)).strip());
    if (!(v >= min && v <= max)) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + v);
    }
    return v;
  }
}
