package dev.earlybird.bench;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.CallTime;
import dev.earlybird.history.CandidateFilter;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.FamilyFilter;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.PostgresHistoryStore;
import dev.earlybird.history.Retention;
import dev.earlybird.history.StatementRef;
import dev.earlybird.model.Counters;
import dev.earlybird.model.Period;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The PostgreSQL store against the embedded one, on the same history: {@code bench.targets} (2) servers x 70 tenant
 * databases x {@code bench.queryIds} (100) statements, {@code bench.days} (8) days of hourly and daily rollups and the
 * last hour raw ({@link AnalysisFleet}'s fill, written to DuckDB and copied to PostgreSQL 17 with the harness's
 * settings). Each read runs {@code bench.runs} (10) times after two warm-ups in the same JVM on both stores; the
 * medians and their ratio are reported, with the hourly maintenance (the rolling day spans) and the bulk write of a
 * poll. It measures, it does not judge.
 *
 * <p>{@code ./mvnw -B -Pbench verify -Dbench=StoreBench}
 */
public class StoreBench {
  static final Instant WINDOW_END = Instant.parse("2026-11-18T15:00:00Z");

  @Test
  void measure() throws Exception {
    System.setProperty("bench.targets", System.getProperty("bench.targets", "2"));
    System.setProperty("bench.days", System.getProperty("bench.days", "8"));
    int targets = BenchConfig.intProp("bench.targets", 2, 1, 1000);
    int queryIds = BenchConfig.intProp("bench.queryIds", 100, 1, 10_000);
    System.setProperty("bench.series", Integer.toString(targets * 70 * queryIds));
    var cfg = AnalysisBenchConfig.fromSystemProperties();
    int runs = BenchConfig.intProp("bench.runs", 10, 1, 100);
    Path outDir = BenchOutput.directory();
    Path duckFile = outDir.resolve("store-bench-" + BenchOutput.stamp() + ".duckdb");
    var fleet = new AnalysisFleet(cfg, WINDOW_END);
    StringBuilder report = new StringBuilder();
    PgServer pg = PostgresServers.shared(17);
    String db = "store_bench_" + BenchOutput.stamp().replaceAll("[^0-9]", "");
    pg.createDatabase(db);
    String url = pg.jdbcUrl(db) + "?user=postgres";
    try {
      DuckDbHistoryStore.open(duckFile).close();
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + duckFile)) {
        var filled = fleet.fill(c, StoreBench::log);
        BenchOutput.line(report, "history: %d targets x %d databases x %d statements, %d days; %,d hourly, %,d daily, "
                + "%,d raw rows", cfg.targets(), cfg.databasesPerTarget(), cfg.queryIds(), cfg.days(),
            filled.hourlyRows(), filled.dailyRows(), filled.intervalRows());
      }
      PostgresHistoryStore.open(url, db, InstantSource.system()).close(); // the schema
      long copy = System.nanoTime();
      copyTables(duckFile, url, outDir);
      BenchOutput.line(report, "copied to PostgreSQL %s in %.1f s", pg.binariesVersion(), (System.nanoTime() - copy) / 1e9);

      InstantSource clock = InstantSource.fixed(WINDOW_END);
      Retention keep = new Retention(Duration.ofDays(2), Duration.ofDays(400), Duration.ofDays(400));
      try (var duck = DuckDbHistoryStore.open(duckFile, clock);
          var post = PostgresHistoryStore.open(url, db, clock)) {
        Map<String, double[]> maintain = new LinkedHashMap<>();
        for (var e : Map.of("DuckDB", duck, "PostgreSQL", post).entrySet()) {
          long t = System.nanoTime();
          e.getValue().maintain(WINDOW_END, keep);
          maintain.put(e.getKey(), new double[] {(System.nanoTime() - t) / 1e6});
        }
        BenchOutput.line(report, "maintenance (builds the rolling day spans): DuckDB %.0f ms, PostgreSQL %.0f ms",
            maintain.get("DuckDB")[0], maintain.get("PostgreSQL")[0]);
        BenchOutput.line(report, "%-58s %12s %12s %8s", "read (last 24 h unless said)", "DuckDB", "PostgreSQL",
            "ratio");
        for (var read : reads(duck, fleet.tenants()).entrySet()) {
          double d = median(duck, read.getValue(), runs);
          double p = median(post, read.getValue(), runs);
          BenchOutput.line(report, "%-58s %9.1f ms %9.1f ms %7.2fx", read.getKey(), d, p, p / d);
        }
      }
      if (Boolean.getBoolean("bench.explain")) {
        explainSlowest(pg, db);
      }
      BenchOutput.line(report, "writing a poll of 20,000 changed statements (intervals and the new snapshot), median "
          + "of %d: DuckDB %.1f ms, PostgreSQL %.1f ms", runs, pollWrite(duckFile, null, runs), pollWrite(null, url, runs));
      System.out.print(report);
      Files.writeString(outDir.resolve("store-bench-" + BenchOutput.stamp() + ".txt"), report.toString());
    } finally {
      Files.deleteIfExists(duckFile);
      Files.deleteIfExists(duckFile.resolveSibling(duckFile.getFileName() + ".wal"));
      if (!cfg.keepStore()) {
        pg.execute("postgres", "DROP DATABASE IF EXISTS " + db);
      }
    }
  }

  /** The reads behind the hot list, the families view, a statement page and the analysis, on either store. */
  private static Map<String, Function<JdbcHistoryStore, Object>> reads(JdbcHistoryStore duck, TenantsConfig tenants) {
    Instant from = WINDOW_END.minus(Duration.ofHours(24));
    Period day = new Period(from, WINDOW_END);
    Period hour = new Period(WINDOW_END.minus(Duration.ofHours(1)), WINDOW_END);
    List<Period> weekAgo = List.of(new Period(from.minus(Duration.ofDays(7)), WINDOW_END.minus(Duration.ofDays(7))));
    HotQueryFilter top = new HotQueryFilter(from, WINDOW_END, Optional.empty(), Optional.empty(), OptionalInt.of(50),
        false);
    List<HotQueryRow> hot = duck.hotRanking(top, Optional.empty()).rows();
    HotQueryRow first = hot.getFirst();
    List<StatementRef> refs = hot.stream().map(r -> new StatementRef(r.target(), r.dbId(), r.queryId())).toList();
    FamilyFilter families = new FamilyFilter(day, Optional.empty(), Optional.empty(), tenants::tenantOf);
    Map<String, Function<JdbcHistoryStore, Object>> reads = new LinkedHashMap<>();
    reads.put("hot list top 50 (hotRanking)", s -> s.hotRanking(top, Optional.empty()));
    reads.put("hot list top 50, one target", s -> s.hotRanking(new HotQueryFilter(from, WINDOW_END,
        Optional.of(first.target()), Optional.empty(), OptionalInt.of(50), false), Optional.empty()));
    reads.put("its baselines: a week ago, 50 statements (callTimes)", s -> s.callTimes(List.of(
        new CallTime.Read(weekAgo, refs))));
    reads.put("families, first page of 50", s -> s.families().page(families, Optional.empty(), 50));
    reads.put("one statement's series, 24 h", s -> s.querySeries(first.target(), first.dbId(), first.queryId(), from,
        WINDOW_END));
    reads.put("one statement's series, 7 days", s -> s.querySeries(first.target(), first.dbId(), first.queryId(),
        WINDOW_END.minus(Duration.ofDays(7)), WINDOW_END));
    reads.put("CPU per target", s -> s.targetCpu(from, WINDOW_END));
    reads.put("analysis: last hour against a week ago (compare)", s -> s.compare(hour,
        List.of(new Period(hour.from().minus(Duration.ofDays(7)), hour.to().minus(Duration.ofDays(7)))), Map.of(),
        new CandidateFilter(25, 20, 1.5, 1000)));
    return reads;
  }

  /**
   * A target of 20,000 statements, all of which changed since the last poll: the intervals, the snapshot's changed
   * entries and the poll row, as one poll writes them; each run a minute after the last, to a store of its own.
   */
  private static double pollWrite(Path duckFile, String url, int runs) {
    Instant t0 = WINDOW_END.plus(Duration.ofDays(1));
    try (JdbcHistoryStore store = duckFile != null
        ? DuckDbHistoryStore.open(duckFile, () -> t0) : PostgresHistoryStore.open(url, "bench", () -> t0)) {
      double[] ms = new double[runs];
      for (int run = -1; run < runs; run++) {
        Instant from = t0.plus(Duration.ofMinutes(run + 1)), to = from.plus(Duration.ofMinutes(1));
        Map<StatementKey, Counters> entries = new java.util.HashMap<>();
        List<StatementInterval> intervals = new ArrayList<>(20_000);
        for (int q = 0; q < 20_000; q++) {
          StatementKey k = new StatementKey("bench-poll", 16384 + q % 70, 10, q, true);
          long calls = (run + 2L) * (q % 13 + 1);
          entries.put(k, new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
                  .with(Counter.EXEC_MS, calls * 1.5)
                  .with(Counter.ROWS, calls)
                  .with(Counter.SHARED_BLKS_HIT, calls)
                  .with(Counter.PLANS, calls)
                  .with(Counter.PLAN_MS, 0.01 * calls), 1.5, 0.1, 0, 0, from, java.util.OptionalDouble.empty()));
          intervals.add(new StatementInterval(k, from, to, CounterValues.ZERO.with(Counter.CALLS, q % 13 + 1)
                  .with(Counter.EXEC_MS, 1.5 * (q % 13 + 1))
                  .with(Counter.EXEC_SUMSQ_MS, 2.25 * (q % 13 + 1))
                  .with(Counter.ROWS, q % 13 + 1)
                  .with(Counter.PLANS, q % 13 + 1)
                  .with(Counter.PLAN_MS, 0.01), java.util.OptionalDouble.empty()));
        }
        var snapshot = new Snapshot("bench-poll", to, Optional.empty(), java.util.OptionalLong.empty(), entries);
        long t = System.nanoTime();
        store.recordPoll(PollRecord.success(snapshot, run < 0 ? List.of() : intervals));
        if (run >= 0) {
          ms[run] = (System.nanoTime() - t) / 1e6;
        }
      }
      Arrays.sort(ms);
      return ms[runs / 2];
    }
  }

  /**
   * With {@code bench.explain=true}: the store's three slowest statements on PostgreSQL, as pg_stat_statements has
   * them, each with its generic plan (PostgreSQL 16+ plans a text with $n placeholders without values).
   */
  private static void explainSlowest(PgServer pg, String db) throws SQLException {
    try (Connection c = pg.superuser(db); var s = c.createStatement(); var rs = s.executeQuery(
        "SELECT query, mean_exec_time FROM public.pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
            + " WHERE d.datname = current_database() ORDER BY mean_exec_time DESC LIMIT 3")) {
      while (rs.next()) {
        log("%.0f ms: %s", rs.getDouble(2), rs.getString(1));
        // The simple query protocol: through the extended one the server would want the placeholders bound.
        try (Connection simple = DriverManager.getConnection(pg.jdbcUrl(db) + "?user=postgres&preferQueryMode=simple");
            var e = simple.createStatement();
            var plan = e.executeQuery("EXPLAIN (GENERIC_PLAN) " + rs.getString(1))) {
          while (plan.next()) {
            log("  %s", plan.getString(1));
          }
        } catch (SQLException ex) {
          log("  (no plan: %s)", ex.getMessage());
        }
      }
    }
  }

  private static double median(JdbcHistoryStore store, Function<JdbcHistoryStore, Object> read, int runs) {
    for (int i = 0; i < 2; i++) {
      read.apply(store);
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      read.apply(store);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  /** Every table of the filled DuckDB store into the migrated PostgreSQL one, through CSV files and COPY. */
  private static void copyTables(Path duckFile, String url, Path dir) throws SQLException, java.io.IOException {
    List<String> tables = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + duckFile);
        Connection post = DriverManager.getConnection(url)) {
      try (var s = duck.createStatement(); var rs = s.executeQuery(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
              + " AND table_name <> 'schema_version'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        Path csv = dir.resolve("store-bench-" + table + ".csv");
        try (var s = duck.createStatement()) {
          s.execute("COPY " + table + " TO '" + csv + "' (HEADER false)");
        }
        try (var s = post.createStatement()) {
          s.execute("TRUNCATE " + table);
        }
        try (Reader in = Files.newBufferedReader(csv)) {
          post.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT csv)", in);
        }
        Files.delete(csv);
        log("copied %s", table);
      }
      try (var s = post.createStatement()) {
        s.execute("ANALYZE");
      }
    }
  }

  private static void log(String format, Object... args) {
    System.out.printf("[store-bench] " + format + "%n", args);
    System.out.flush();
  }
}
