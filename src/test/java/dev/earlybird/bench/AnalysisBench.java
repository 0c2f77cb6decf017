package dev.earlybird.bench;

import dev.earlybird.analysis.Analyzer;
import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cost of one analysis evaluation (window vs baseline, regressions, new, hot, outliers, findings written) over
 * a fleet of a million statement series with 28 days of hourly rollups, against the goal of finishing within
 * one poll interval (60 s) with bounded memory, and against the floor of scanning the window's raw intervals.
 *
 * <p>The store is built in three steps: {@link JdbcHistoryStore#open} creates the file and runs the
 * migrations, then closes; a plain JDBC connection on the same file fills every table with set-based SQL
 * ({@link AnalysisFleet}: minutes instead of the days a poll-by-poll fill would take); then the store is opened
 * again and {@link Analyzer#evaluate} is timed through the public API only, as the agent calls it. No hook into
 * the store is needed, and the rows are exactly what the store's own SQL would read.
 *
 * <p>Not part of {@code verify}; the {@code bench} profile runs it: {@code ./mvnw -B -Pbench verify
 * -Dbench=AnalysisBench} (see README). It measures, it does not judge: a missed goal prints MISS and the build
 * passes; errors fail it. Settings (system properties): {@code bench.series} (1,000,000), {@code bench.targets}
 * (20), {@code bench.queryIds} per database (100), {@code bench.days} (28), {@code bench.density} (1.0),
 * {@code bench.windowIntervals} (4), {@code bench.regressions} (100), {@code bench.newStatements} (100), {@code
 * bench.zones} (4), {@code bench.runs} per mode (5), {@code bench.seasonal} (true), {@code bench.rolling} (true), {@code bench.keepStore}
 * (false), {@code bench.reuseStore} (a store kept by an earlier run with the same settings: measure without
 * filling), {@code bench.duckdbMemoryLimit} (overrides the store's DuckDB memory_limit, e.g. 1GB), {@code
 * bench.outputDir} (target/bench).
 */
public class AnalysisBench {
  static final Duration GOAL = Duration.ofSeconds(60);
  /** A Wednesday afternoon (UTC); four weeks back crosses the end of summer time in London and New York. */
  static final Instant WINDOW_END = Instant.parse("2026-11-18T15:00:00Z");

  @Test
  void measure() throws Exception {
    run();
  }

  public static void main(String[] args) throws Exception {
    run();
  }

  static void run() throws Exception {
    var cfg = AnalysisBenchConfig.fromSystemProperties();
    Path outDir = BenchOutput.directory();
    String stamp = BenchOutput.stamp();
    String reuse = System.getProperty("bench.reuseStore", "").strip();
    Path storeFile = reuse.isEmpty() ? outDir.resolve("analysis-bench-" + stamp + ".duckdb") : Path.of(reuse);
    var fleet = new AnalysisFleet(cfg, WINDOW_END);
    log("%,d series = %d targets x %d databases x %d queryids; %d hourly buckets from %s; density %.3f; store %s",
        cfg.series(), cfg.targets(), cfg.databasesPerTarget(), cfg.queryIds(), fleet.hourlyBuckets(),
        fleet.firstBucket(), cfg.density(), storeFile);
    try {
      AnalysisFleet.Filled filled;
      if (reuse.isEmpty()) {
        DuckDbHistoryStore.open(storeFile).close();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + storeFile)) {
          filled = fleet.fill(c, AnalysisBench::log);
        }
      } else {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + storeFile)) {
          filled = fleet.counted(c);
        }
      }
      log("filled: %,d hourly rows (%.0f s), %,d daily rows (%.0f s), %,d raw intervals; other %.0f s",
          filled.hourlyRows(), filled.hourlyS(), filled.dailyRows(), filled.dailyS(), filled.intervalRows(),
          filled.otherS());
      AnalysisReport report = measure(cfg, fleet, filled, storeFile);
      String text = report.text();
      System.out.println(text);
      Files.writeString(outDir.resolve("analysis-bench-" + stamp + ".txt"), text);
      Files.writeString(outDir.resolve("analysis-bench-" + stamp + ".json"), report.json());
      log("wrote %s", outDir.resolve("analysis-bench-" + stamp + ".txt"));
    } finally {
      if (!cfg.keepStore() && reuse.isEmpty()) {
        for (Path p : new Path[] {storeFile, storeFile.resolveSibling(storeFile.getFileName() + ".wal")}) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static AnalysisReport measure(
      AnalysisBenchConfig cfg, AnalysisFleet fleet, AnalysisFleet.Filled filled, Path storeFile) throws Exception {
    TenantsConfig tenants = fleet.tenants();
    long rssBefore = MemoryWatch.rssBytes();
    try (var store = DuckDbHistoryStore.open(storeFile);
        Connection side = DriverManager.getConnection("jdbc:duckdb:" + storeFile);
        Connection watchConnection = DriverManager.getConnection("jdbc:duckdb:" + storeFile);
        var watch = new MemoryWatch(watchConnection)) {
      long rssOpen = MemoryWatch.rssBytes();
      String limit = System.getProperty("bench.duckdbMemoryLimit", "").strip();
      if (!limit.isEmpty()) {
        // A global setting of the database instance the store opened (the side connection shares it).
        exec(side, "SET memory_limit = '" + limit.replace("'", "") + "'");
      }
      Map<String, String> settings = settings(side);
      List<AnalysisReport.Mode> modes = new ArrayList<>();
      if (cfg.seasonal()) {
        modes.add(mode("seasonal", AnalysisConfig.defaults(), cfg, tenants, store, side, watch));
      }
      if (cfg.rolling()) {
        var d = AnalysisConfig.defaults();
        var rolling = new AnalysisConfig(d.hot(), new BaselineConfig(BaselineMode.ROLLING, Duration.ofDays(cfg.days())),
            d.regression(), d.outlier());
        modes.add(mode("rolling", rolling, cfg, tenants, store, side, watch));
      }
      long windowStart = AnalysisFleet.micros(WINDOW_END) - AnalysisFleet.HOUR_US;
      var windowScan = scan(side, "raw window scan ms",
          "SELECT count(*), sum(exec_ms) FROM statement_interval WHERE end_us > %d AND end_us <= %d"
              .formatted(windowStart, AnalysisFleet.micros(WINDOW_END)), 5);
      var lookbackScan = scan(side, "hourly lookback scan ms",
          "SELECT count(*), sum(exec_ms) FROM statement_hourly WHERE bucket_us >= %d AND bucket_us < %d"
              .formatted(windowStart - cfg.days() * AnalysisFleet.DAY_US, windowStart), 3);
      return new AnalysisReport(Instant.now(), cfg, filled, fleet.hourlyBuckets(), settings, store.fileSizeBytes(),
          rssBefore, rssOpen, modes, windowScan, lookbackScan);
    }
  }

  private static AnalysisReport.Mode mode(
      String name, AnalysisConfig config, AnalysisBenchConfig cfg, TenantsConfig tenants, JdbcHistoryStore store,
      Connection side, MemoryWatch watch) throws SQLException {
    // Each mode starts from no findings, as after a fresh start of the agent on this history.
    exec(side, "DELETE FROM finding");
    exec(side, "DELETE FROM analysis_watermark");
    var timed = new TimedStore(store);
    var runs = new ArrayList<AnalysisReport.Run>();
    try (var writer = new HistoryWriter(timed, 16)) {
      var analyzer = new Analyzer(timed, writer, config, tenants);
      for (int r = 0; r < cfg.runs(); r++) {
        timed.reset();
        watch.start();
        double load = loadAverage();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        Analyzer.Evaluation e = analyzer.evaluate(WINDOW_END);
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (processCpuNanos() - cpu0) / 1e6;
        MemoryWatch.Peak peak = watch.stop();
        runs.add(new AnalysisReport.Run(ms, cpuMs, load, e.candidates(), e.changed().size(), timed.tallies(), peak));
        log("%s run %d/%d: %.0f ms (process CPU %.0f ms, load average %.1f), %d candidates, %d findings changed, heap peak %d MB, DuckDB peak %d MB, RSS peak %d MB; after the run RSS %d MB, heap committed %d MB",
            name, r + 1, cfg.runs(), ms, cpuMs, load, e.candidates(), e.changed().size(), peak.heapPeakBytes() >> 20,
            peak.duckdbPeakBytes() >> 20, peak.rssPeakBytes() >> 20, peak.rssAfterBytes() >> 20,
            peak.heapCommittedBytes() >> 20);
      }
    }
    return new AnalysisReport.Mode(name, runs, findingCounts(side));
  }

  /** CPU time of the whole process (every thread, DuckDB's included). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The machine's 1-minute load average: other work on the box slows the measured wall time down. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static Samples scan(Connection c, String name, String sql, int n) throws SQLException {
    var s = new Samples(name, n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      try (Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
        rs.next();
        if (rs.getLong(1) == 0) {
          throw new IllegalStateException("reference scan read no rows: " + sql);
        }
      }
      s.add((System.nanoTime() - t0) / 1e6);
    }
    return s;
  }

  private static Map<String, Long> findingCounts(Connection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT kind || '/' || state, count(*) FROM finding GROUP BY ALL ORDER BY ALL")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private static Map<String, String> settings(Connection c) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        var rs = s.executeQuery(
            "SELECT version(), current_setting('memory_limit'), current_setting('threads'),"
                + " (SELECT database_size FROM pragma_database_size())")) {
      rs.next();
      out.put("duckdb", rs.getString(1));
      out.put("memory_limit", rs.getString(2));
      out.put("threads", rs.getString(3));
      out.put("database_size", rs.getString(4));
    }
    return out;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.execute();
    }
  }

  static void log(String format, Object... args) {
    System.out.printf("[analysis-bench] " + format + "%n", args);
  }

  static void log(String message) {
    System.out.println("[analysis-bench] " + message);
  }
}
