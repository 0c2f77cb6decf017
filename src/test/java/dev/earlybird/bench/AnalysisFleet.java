package dev.earlybird.bench;

import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A synthetic fleet's history, written with set-based SQL straight into a migrated store file: {@code targets}
 * servers x {@code databases} tenant databases x {@code queryIds} statements, each series with hourly rollups
 * for the lookback (appended hour by hour in time order, as {@code Rollups.maintain} does, so DuckDB's zone maps
 * on {@code bucket_us} work as in a real store), daily rollups of every complete UTC day (computed from the
 * hourly rows with the rollup's own GROUP BY), and raw intervals for the evaluated window only.
 *
 * <p>Shapes: a statement's cost per call and calls per hour come from its "family" (same SQL in every tenant
 * database) times a per-tenant size factor, so the same SQL costs about the same everywhere (as in a SaaS
 * fleet) and family outliers are rare; a day/night curve and per-hour noise vary the hours. A few series
 * regress in the window (3x per call), a few exist only in the window.
 */
final class AnalysisFleet {
  static final long MINUTE_US = 60_000_000L;
  static final long HOUR_US = 60 * MINUTE_US;
  static final long DAY_US = 24 * HOUR_US;
  /** The tenant zones, in the order {@code bench.zones} takes them; the first is the default. */
  static final List<ZoneId> ZONES = List.of(
      ZoneId.of("UTC"), ZoneId.of("Europe/London"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"),
      ZoneId.of("Australia/Sydney"), ZoneId.of("America/Los_Angeles"));

  private static final List<String> LONGS = List.of(
      "calls", "rows", "shared_blks_hit", "shared_blks_read", "shared_blks_dirtied", "shared_blks_written",
      "local_blks_hit", "local_blks_read", "temp_blks_read", "temp_blks_written", "plans", "wal_records",
      "wal_fpi", "wal_bytes");
  private static final List<String> DOUBLES =
      List.of("exec_ms", "exec_sumsq_ms", "io_read_ms", "io_write_ms", "temp_io_ms", "plan_ms", "jit_ms");

  /**
   * The metric columns from {@code calls} (BIGINT) and {@code m} (this row's mean ms per call) of a row of
   * {@code bench_series}: the order of {@link #LONGS} then {@link #DOUBLES}, then the CPU columns (schemas 4 and 9):
   * no pg_stat_kcache figure and track_io_timing off, so CPU is execution time.
   */
  private static final String METRICS =
      """
      calls, calls * rows_per_call, calls * hit_per_call, calls * read_per_call, calls * dirty_per_call,
      calls * dirty_per_call // 2, 0, 0, calls * temp_per_call, calls * temp_per_call, 0, calls * wal_per_call,
      calls * wal_per_call // 10, calls * wal_per_call * 120,
      calls * m, calls * m * m * (1 + cv * cv), calls * read_per_call * 0.02, calls * dirty_per_call * 0.005,
      calls * temp_per_call * 0.01, 0.0, 0.0, CAST(NULL AS DOUBLE), 0, 0""";

  private final AnalysisBenchConfig cfg;
  private final long windowEndUs;
  private final long windowStartUs;
  private final long firstBucketUs;

  /**
   * @param windowEnd end of the evaluated 1-hour window; hourly rollups cover the {@code days} before its start,
   *     extended back to a UTC midnight so that every daily rollup is a complete day
   */
  AnalysisFleet(AnalysisBenchConfig cfg, Instant windowEnd) {
    this.cfg = cfg;
    this.windowEndUs = micros(windowEnd);
    this.windowStartUs = windowEndUs - HOUR_US;
    long lookbackStart = windowStartUs - cfg.days() * DAY_US - HOUR_US; // the rolling baseline's gap
    this.firstBucketUs = Math.floorDiv(lookbackStart, DAY_US) * DAY_US;
  }

  Instant firstBucket() {
    return instant(firstBucketUs);
  }

  Instant firstPoll() {
    return instant(firstBucketUs - 2 * DAY_US);
  }

  long hourlyBuckets() {
    return (windowStartUs - firstBucketUs) / HOUR_US;
  }

  static String target(int t) {
    return "pg-%02d".formatted(t);
  }

  static String database(int tenant) {
    return "tenant_%05d".formatted(tenant);
  }

  /** Tenant {@code i} lives in zone {@code i % zones}; the default (UTC) needs no override. */
  TenantsConfig tenants() {
    Map<String, TenantSettings> overrides = new HashMap<>();
    int tenants = cfg.targets() * cfg.databasesPerTarget();
    for (int i = 0; i < tenants; i++) {
      int z = i % cfg.zones();
      if (z != 0) {
        overrides.put(database(i).substring("tenant_".length()),
            new TenantSettings(ZONES.get(z), LocalTime.of(7, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                new TreeSet<>()));
      }
    }
    return new TenantsConfig(Pattern.compile(TenantsConfig.DEFAULT_PATTERN), TenantSettings.DEFAULT, overrides);
  }

  /** Row counts of what was written, and how long each part took. */
  record Filled(long hourlyRows, long dailyRows, long intervalRows, long series, double hourlyS, double dailyS, double otherS) {}

  /** Fills an empty, migrated store through {@code c}, one transaction per day of rollups. */
  Filled fill(Connection c, Consumer<String> log) throws SQLException {
    c.setAutoCommit(false);
    long t0 = System.nanoTime();
    exec(c, seriesTable());
    exec(c, ("INSERT INTO target (name, server_version, up, last_poll_us, statements, first_poll_us) "
        + "SELECT 'pg-' || lpad(CAST(t AS VARCHAR), 2, '0'), '17.4', true, %d, %d, %d FROM range(%d) r(t)")
            .formatted(windowEndUs, cfg.databasesPerTarget() * cfg.queryIds(), micros(firstPoll()), cfg.targets()));
    exec(c, ("INSERT INTO target_database SELECT 'pg-' || lpad(CAST(t AS VARCHAR), 2, '0'), 16384 + d, "
        + "'tenant_' || lpad(CAST(t * %1$d + d AS VARCHAR), 5, '0') FROM range(%2$d) a(t), range(%1$d) b(d)")
            .formatted(cfg.databasesPerTarget(), cfg.targets()));
    exec(c, ("INSERT INTO statement_text SELECT target, dbid, queryid, 'SELECT c' || (q %% 10) || ', c' || ((q + 1) %% 10)"
        + " || ' FROM t' || q || ' WHERE id = $1', false, substr(md5('family-' || q), 1, 16), %d FROM bench_series")
            .formatted(micros(firstPoll())));
    c.commit();
    double otherS = (System.nanoTime() - t0) / 1e9;

    long t1 = System.nanoTime();
    long hours = hourlyBuckets();
    try (PreparedStatement ps = c.prepareStatement(hourlySql())) {
      for (long h = 0; h < hours; h++) {
        long bucket = firstBucketUs + h * HOUR_US;
        ps.setLong(1, h);
        ps.setLong(2, bucket);
        ps.setDouble(3, diurnal(bucket));
        ps.executeUpdate();
        if ((h + 1) % 24 == 0) {
          c.commit();
          log.accept("hourly rollups: day %d of %d, %.0f s".formatted((h + 1) / 24, hours / 24, (System.nanoTime() - t1) / 1e9));
        }
      }
    }
    double hourlyS = (System.nanoTime() - t1) / 1e9;

    long t2 = System.nanoTime();
    long lastDay = Math.floorDiv(windowStartUs, DAY_US) * DAY_US;
    try (PreparedStatement ps = c.prepareStatement(dailySql())) {
      for (long day = firstBucketUs; day < lastDay; day += DAY_US) {
        ps.setLong(1, day);
        ps.setLong(2, day + DAY_US);
        ps.executeUpdate();
        c.commit();
      }
    }
    double dailyS = (System.nanoTime() - t2) / 1e9;

    long t3 = System.nanoTime();
    exec(c, windowSql());
    exec(c, ("INSERT INTO poll SELECT target, taken, %d, 0, NULL, taken + 1000000 FROM ("
        + "SELECT 'pg-' || lpad(CAST(t AS VARCHAR), 2, '0') AS target, %d + (m + 1) * %d - (t %% 60) * 1000000 AS taken"
        + " FROM range(%d) a(t), range(60) b(m))")
            .formatted(cfg.databasesPerTarget() * cfg.queryIds(), windowStartUs, MINUTE_US, cfg.targets()));
    exec(c, "INSERT INTO rollup_watermark VALUES ('hourly', %d), ('daily', %d), ('hourly_purged', %d)"
        .formatted(windowStartUs, lastDay, firstBucketUs));
    exec(c, "DROP TABLE bench_series");
    c.commit();
    c.setAutoCommit(true);
    exec(c, "CHECKPOINT");
    otherS += (System.nanoTime() - t3) / 1e9;
    return new Filled(count(c, "statement_hourly"), count(c, "statement_daily"), count(c, "statement_interval"),
        cfg.series(), hourlyS, dailyS, otherS);
  }

  /**
   * What an earlier fill (kept with {@code bench.keepStore}) holds, for measuring again without filling;
   * fails if it was filled for another number of series.
   */
  Filled counted(Connection c) throws SQLException {
    long texts = count(c, "statement_text");
    if (texts != cfg.series()) {
      throw new IllegalStateException("the store holds " + texts + " series, bench.series says " + cfg.series());
    }
    return new Filled(count(c, "statement_hourly"), count(c, "statement_daily"), count(c, "statement_interval"),
        texts, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Per-series shape, computed once: the hourly inserts only add per-hour noise. */
  private String seriesTable() {
    int dq = cfg.databasesPerTarget() * cfg.queryIds();
    long strideR = cfg.regressions() == 0 ? 0 : Math.max(1, cfg.series() / cfg.regressions());
    long strideN = cfg.newStatements() == 0 ? 0 : Math.max(1, cfg.series() / cfg.newStatements());
    String regressed = strideR == 0 ? "false" : "idx %% %d = %d".formatted(strideR, strideR / 2);
    String isNew = strideN == 0 ? "false" : "idx %% %d = %d".formatted(strideN, strideN / 4);
    return """
        CREATE TEMP TABLE bench_series AS
        WITH s AS (
          SELECT i AS idx, CAST(i // %1$d AS INTEGER) AS t, CAST((i // %2$d) %% %3$d AS INTEGER) AS d,
                 CAST(i %% %2$d AS INTEGER) AS q
          FROM range(%4$d) r(i)),
        u AS (
          SELECT s.*, (hash(q, 1) %% 1000000) / 1e6 AS uq1, (hash(q, 2) %% 1000000) / 1e6 AS uq2,
                 (hash(t, d, 3) %% 1000000) / 1e6 AS ud, (hash(idx, 4) %% 1000000) / 1e6 AS us,
                 %5$s AS regressed
          FROM s),
        p AS (
          SELECT u.*, exp(ln(2) + uq1 * ln(5000)) * exp(ln(0.1) + ud * ln(100)) AS cph,
                 exp(ln(0.05) + uq2 * ln(4000)) * (0.7 + 0.6 * us) AS mean
          FROM u)
        SELECT idx, t, d, q, regressed, NOT regressed AND %6$s AS is_new,
               'pg-' || lpad(CAST(t AS VARCHAR), 2, '0') AS target, CAST(16384 + d AS BIGINT) AS dbid,
               CAST(hash(t, d, q) >> 1 AS BIGINT) - 4611686018427387904 AS queryid,
               CASE WHEN regressed THEN greatest(cph, 1000) ELSE cph END AS calls_per_hour,
               CASE WHEN regressed THEN greatest(mean, 30) ELSE mean END AS mean_ms,
               0.2 + (q %% 10) / 10.0 AS cv,
               q %% 20 AS rows_per_call, 2 + q %% 40 AS hit_per_call,
               CASE WHEN q %% 7 = 0 THEN 1 + q %% 3 ELSE 0 END AS read_per_call,
               CASE WHEN q %% 5 = 0 THEN 1 ELSE 0 END AS dirty_per_call,
               CASE WHEN q %% 25 = 0 THEN 8 ELSE 0 END AS temp_per_call,
               CASE WHEN q %% 4 = 0 THEN 2 ELSE 0 END AS wal_per_call
        FROM p ORDER BY idx"""
        .formatted(dq, cfg.queryIds(), cfg.databasesPerTarget(), cfg.series(), regressed, isNew);
  }

  /**
   * One hour's rollup rows; parameters: bucket, day/night factor, hour index. One hash per row gives the
   * noise of calls (bits 0-9), of the mean (bits 10-19) and whether the series ran that hour (bits 20-39).
   */
  private String hourlySql() {
    String density = cfg.density() >= 1.0 ? ""
        : "WHERE (h >> 20) %% 1000000 < %d".formatted(Math.round(cfg.density() * 1_000_000));
    return """
        INSERT INTO statement_hourly
        SELECT target, dbid, queryid, bucket, least(calls, 60), %s
        FROM (
          SELECT s.*, b.bucket,
                 greatest(1, CAST(round(calls_per_hour * b.diurnal * (0.75 + 0.5 * (h %% 1024) / 1024.0)) AS BIGINT)) AS calls,
                 mean_ms * (0.9 + 0.2 * ((h >> 10) %% 1024) / 1024.0) AS m
          FROM (SELECT *, hash(idx, ?) AS h FROM bench_series WHERE NOT is_new) s,
               (SELECT CAST(? AS BIGINT) AS bucket, CAST(? AS DOUBLE) AS diurnal) b
          %s)"""
        .formatted(METRICS, density);
  }

  /** The rollup's own day-from-hours aggregation (Rollups.maintain); parameters: day start, day end. */
  private static String dailySql() {
    String sums = String.join(", ", LONGS.stream().map(c -> "CAST(sum(" + c + ") AS BIGINT)").toList()) + ", "
        + String.join(", ", DOUBLES.stream().map(c -> "sum(" + c + ")").toList())
        + ", sum(cpu_ms), CAST(sum(cpu_intervals) AS BIGINT), CAST(sum(io_timed_intervals) AS BIGINT)";
    return """
        INSERT INTO statement_daily
        SELECT target, dbid, queryid, bucket_us - (bucket_us %% %1$d), CAST(sum(intervals) AS BIGINT), %2$s
        FROM statement_hourly WHERE bucket_us >= ? AND bucket_us < ?
        GROUP BY target, dbid, queryid, bucket_us - (bucket_us %% %1$d)"""
        .formatted(DAY_US, sums);
  }

  /**
   * Raw intervals of the window: 1..windowIntervals per series, each one poll (60 s) long and ending on one
   * of the target's minute polls, in time order as the polls append them; regressed series at 3x per call.
   */
  private String windowSql() {
    return """
        INSERT INTO statement_interval
        SELECT target, dbid, 10, queryid, true, end_us - %1$d, end_us, %2$s
        FROM (
          SELECT s.*, %3$d + ((hash(idx, 5) %% (60 // k)) + j * (60 // k) + 1) * %1$d - (t %% 60) * 1000000 AS end_us,
                 greatest(1, CAST(round(calls_per_hour * %4$s * (0.75 + 0.5 * ((hash(idx, j, 8) %% 1000) / 1000.0)) / k)
                   AS BIGINT)) AS calls,
                 mean_ms * (0.9 + 0.2 * ((hash(idx, j, 7) %% 1000) / 1000.0)) * CASE WHEN regressed THEN 3 ELSE 1 END AS m
          FROM (SELECT *, 1 + CAST(hash(idx, 6) %% %5$d AS INTEGER) AS k FROM bench_series) s, range(%5$d) r(j)
          WHERE j < k)
        ORDER BY end_us"""
        .formatted(MINUTE_US, METRICS, windowStartUs, Double.toString(diurnal(windowStartUs)), cfg.windowIntervals());
  }

  /** Busier in the (UTC) day than at night: 0.4 at night, up to 1.0 mid-afternoon. */
  static double diurnal(long bucketUs) {
    int hour = instant(bucketUs).atZone(ZoneOffset.UTC).getHour();
    return hour < 6 || hour > 20 ? 0.4 : 0.4 + 0.6 * Math.sin(Math.PI * (hour - 6) / 14.0);
  }

  static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
