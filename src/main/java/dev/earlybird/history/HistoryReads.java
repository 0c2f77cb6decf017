package dev.earlybird.history;

import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Period;
import dev.earlybird.model.StatementText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Read queries. Each is ONE statement that reads the watermarks itself, so it sees one consistent snapshot
 * of data and watermarks even while the writer rolls up: every period comes from exactly one tier.
 */
final class HistoryReads {
  /** Watermarks as one row; 0 when nothing was rolled/purged yet. */
  static final String WATERMARKS =
      """
      wm AS (
        SELECT coalesce(max(value_us) FILTER (WHERE name = 'hourly'), 0) AS hw,
               coalesce(max(value_us) FILTER (WHERE name = 'hourly_purged'), 0) AS pw
        FROM rollup_watermark)""";

  /**
   * The three tiers as one row set with a common shape; parameters: (from, to) three times. A bucket
   * (b, b+L] counts when it overlaps (from, to].
   */
  private static final String TIERS =
      """
      tiers AS (
        SELECT target, dbid, queryid, start_us AS p_start, end_us AS p_end, 'RAW' AS resolution,
               1 AS intervals, %1$s
        FROM statement_interval, wm
        WHERE end_us > wm.hw AND end_us > ? AND end_us <= ? %2$s
        UNION ALL
        SELECT target, dbid, queryid, bucket_us, bucket_us + %3$d, 'HOUR', intervals, %1$s
        FROM statement_hourly, wm
        WHERE bucket_us >= wm.pw AND bucket_us < wm.hw AND bucket_us + %3$d > ? AND bucket_us < ? %2$s
        UNION ALL
        SELECT target, dbid, queryid, bucket_us, bucket_us + %4$d, 'DAY', intervals, %1$s
        FROM statement_daily, wm
        WHERE bucket_us + %4$d <= wm.pw AND bucket_us + %4$d > ? AND bucket_us < ? %2$s)""";

  private HistoryReads() {}

  static String tiers(String filter) {
    return tiers(Columns.METRICS, filter);
  }

  /** The same with only the given metric columns. */
  static String tiers(String columns, String filter) {
    return TIERS.formatted(columns, filter, Rollups.HOUR_US, Rollups.DAY_US);
  }

  /**
   * A window's statements, each with its rank by CPU on its target ({@link CpuRank}, over all the target's
   * statements, before the database filter), and when the filter asks Performance Insights' CPU where PI covered
   * them, which is then part of the ranking.
   */
  static List<HotQueryRow> hotQueries(Connection c, HotQueryFilter f) throws SQLException {
    WindowTiers tiers = WindowTiers.of(c, Columns.micros(f.from()), Columns.micros(f.to()));
    String sql =
        """
        %s
        SELECT r.*, d.name AS database, x.family, x.query
        FROM ranked r
        LEFT JOIN target_database d ON d.target = r.target AND d.oid = r.dbid
        LEFT JOIN statement_text x ON x.target = r.target AND x.dbid = r.dbid AND x.queryid = r.queryid
        %s
        ORDER BY r.exec_ms DESC, r.target, r.dbid, r.queryid
        %s"""
            .formatted(
                ranked(tiers, f, Columns.SUMS),
                f.database().isPresent() ? "WHERE d.name = ?" : "",
                f.limit().isPresent() ? "LIMIT " + f.limit().getAsInt() : "");
    List<HotQueryRow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bindWindow(ps, f, tiers);
      try (var rs = ps.executeQuery()) {
        int[] usage = Columns.usageColumns(rs, "");
        int piCpu = rs.findColumn("pi_cpu_ms");
        while (rs.next()) {
          out.add(hotRow(rs, usage, piCpu));
        }
      }
    }
    return out;
  }

  /**
   * {@code WITH} up to the {@code ranked} CTE of a hot read: the window's statements summed ({@code sums}), with PI's
   * CPU where asked, their rank by CPU on their target ({@code target_rank}) and that CPU ({@code rank_cpu_ms}).
   */
  private static String ranked(WindowTiers tiers, HotQueryFilter f, String sums) {
    return """
        WITH %s, %s,
        agg AS (
          SELECT target, dbid, queryid, CAST(sum(intervals) AS BIGINT) AS intervals, %s
          FROM tiers GROUP BY target, dbid, queryid),
        ranked AS (
          SELECT a.*, pi.pi_cpu_ms, %s AS target_rank, %s AS rank_cpu_ms
          FROM agg a LEFT JOIN pi ON pi.target = a.target AND pi.dbid = a.dbid AND pi.queryid = a.queryid)"""
        .formatted(tiers.sql(f.target().isPresent() ? "AND target = ?" : ""), piCte(f), sums,
            CpuRank.targetRank("a.", "pi.pi_cpu_ms", "a."), CpuRank.cpu("a.", "pi.pi_cpu_ms"));
  }

  /** The {@code pi} CTE: PI's CPU per statement where the filter asks for it and PI covered it, else none. */
  private static String piCte(HotQueryFilter f) {
    return f.performanceInsights() ? PiTables.cpuCtes("pi") : "pi AS (SELECT '' AS target, 0 AS dbid, 0 AS queryid,"
        + " CAST(NULL AS DOUBLE PRECISION) AS pi_cpu_ms WHERE false)";
  }

  /** Binds a hot read's window, PI window and database filter, in that order; returns the next index. */
  private static int bindWindow(PreparedStatement ps, HotQueryFilter f, WindowTiers tiers) throws SQLException {
    int i = tiers.bind(ps, 1, f.target().orElse(null));
    if (f.performanceInsights()) {
      i = PiTables.bindCpu(ps, i, new Period(f.from(), f.to()));
    }
    if (f.database().isPresent()) {
      ps.setString(i++, f.database().get());
    }
    return i;
  }

  private static HotQueryRow hotRow(java.sql.ResultSet rs, int[] usage, int piCpu) throws SQLException {
    Usage u = Columns.readUsage(rs, usage);
    double piMs = rs.getDouble(piCpu);
    if (!rs.wasNull()) {
      u = u.withPiCpuMs(piMs);
    }
    return new HotQueryRow(rs.getString("target"), rs.getString("database"), rs.getLong("dbid"),
        rs.getLong("queryid"), rs.getString("family"), rs.getString("query"), u, rs.getInt("target_rank"));
  }

  /**
   * The sums the hot list shows and ranks by (calls, rows, execution and IO time, the CPU columns), in the shape of
   * {@link Columns#SUMS} with the other counters 0: summing 25 columns over every statement of a fleet's day costs
   * several times summing these 10, and the hot list never reads the others.
   */
  static final String HOT_SUMS = Columns.LONGS.stream()
      .map(c -> (Set.of("calls", "rows").contains(c) ? "CAST(sum(" + c + ") AS BIGINT)" : "CAST(0 AS BIGINT)") + " AS " + c)
      .collect(Collectors.joining(", "))
      + ", "
      + Columns.DOUBLES.stream()
          .map(c -> (Set.of("exec_ms", "io_read_ms", "io_write_ms", "temp_io_ms").contains(c) ? "sum(" + c + ")"
              : "CAST(0 AS DOUBLE PRECISION)") + " AS " + c)
          .collect(Collectors.joining(", "))
      + ", sum(cpu_ms) AS cpu_ms, CAST(sum(cpu_intervals) AS BIGINT) AS cpu_intervals"
      + ", CAST(sum(io_timed_intervals) AS BIGINT) AS io_timed_intervals";

  /**
   * The hot list's top in one statement ({@link HistoryStore#hotRanking}): the window's statements are summed and
   * ranked as {@link #hotQueries} does, but only the top rows are read, with their texts joined after the limit,
   * followed by one row per target with its CPU total (its statement columns NULL: a join on false gives a union
   * branch the top's columns in portable SQL, where DuckDB alone has {@code UNION ALL BY NAME}).
   */
  static HotRanking hotRanking(Connection c, HotQueryFilter f, Optional<Predicate<String>> databases)
      throws SQLException {
    // The names that pass, read apart: a database's name is all a predicate (the tenant pattern) can look at.
    Optional<List<String>> names = databases.isEmpty() ? Optional.empty()
        : Optional.of(SqlRows.list(c, "SELECT DISTINCT name FROM target_database", rs -> rs.getString(1)).stream()
            .filter(n -> n != null && databases.get().test(n)).toList());
    WindowTiers tiers = WindowTiers.of(c, Columns.micros(f.from()), Columns.micros(f.to()));
    String picked = names.isEmpty() ? ""
        : names.get().isEmpty() ? "WHERE false"
        : "WHERE database IN (" + names.get().stream().map(n -> "?").collect(Collectors.joining(", ")) + ")";
    String sql =
        """
        %s,
        named AS (
          SELECT r.*, d.name AS database
          FROM ranked r LEFT JOIN target_database d ON d.target = r.target AND d.oid = r.dbid
          %s),
        top AS (
          SELECT * FROM named %s
          ORDER BY rank_cpu_ms DESC, target, target_rank
          %s)
        SELECT t.*, x.family, x.query, false AS is_total, CAST(NULL AS VARCHAR) AS total_target,
          CAST(NULL AS DOUBLE PRECISION) AS target_cpu_ms
        FROM top t
        LEFT JOIN statement_text x ON x.target = t.target AND x.dbid = t.dbid AND x.queryid = t.queryid
        UNION ALL
        SELECT t.*, x.family, x.query, true AS is_total, n.target AS total_target, n.target_cpu_ms
        FROM (SELECT target, sum(rank_cpu_ms) AS target_cpu_ms FROM named GROUP BY target) n
        LEFT JOIN top t ON false
        LEFT JOIN statement_text x ON false
        ORDER BY is_total, rank_cpu_ms DESC, target, target_rank"""
            .formatted(
                ranked(tiers, f, HOT_SUMS),
                f.database().isPresent() ? "WHERE d.name = ?" : "",
                picked,
                f.limit().isPresent() ? "LIMIT " + f.limit().getAsInt() : "");
    List<HotQueryRow> rows = new ArrayList<>();
    Map<String, Double> totals = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = bindWindow(ps, f, tiers);
      for (String n : names.orElse(List.of())) {
        ps.setString(i++, n);
      }
      try (var rs = ps.executeQuery()) {
        int[] usage = Columns.usageColumns(rs, "");
        int piCpu = rs.findColumn("pi_cpu_ms");
        while (rs.next()) {
          if (rs.getBoolean("is_total")) {
            totals.put(rs.getString("total_target"), rs.getDouble("target_cpu_ms"));
            continue;
          }
          rows.add(hotRow(rs, usage, piCpu));
        }
      }
    }
    return new HotRanking(rows, totals);
  }

  static List<SeriesPoint> querySeries(Connection c, String target, long dbId, long queryId, Instant from, Instant to)
      throws SQLException {
    String sql =
        """
        WITH %s, %s
        SELECT min(p_start) AS p_start, p_end, resolution, CAST(sum(intervals) AS BIGINT) AS intervals, %s
        FROM tiers
        GROUP BY p_end, resolution
        ORDER BY p_end"""
            .formatted(WATERMARKS, tiers("AND target = ? AND dbid = ? AND queryid = ?"), Columns.SUMS);
    List<SeriesPoint> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      long f = Columns.micros(from), t = Columns.micros(to);
      int i = 1;
      for (int tier = 0; tier < 3; tier++) {
        ps.setLong(i++, f);
        ps.setLong(i++, t);
        ps.setString(i++, target);
        ps.setLong(i++, dbId);
        ps.setLong(i++, queryId);
      }
      // The raw tier binds (from, to) as (end > from, end <= to); rollup tiers as (end > from, start < to).
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new SeriesPoint(
                  Columns.instant(rs.getLong("p_start")), Columns.instant(rs.getLong("p_end")),
                  SeriesPoint.Resolution.valueOf(rs.getString("resolution")), Columns.readUsage(rs)));
        }
      }
    }
    return out;
  }

  static List<TargetRecord> targets(Connection c) throws SQLException {
    List<TargetRecord> out = new ArrayList<>();
    try (var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT name, up, last_poll_us, server_version, statements, last_error FROM target ORDER BY name")) {
      while (rs.next()) {
        long last = rs.getLong(3);
        Optional<Instant> lastPoll = rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(last));
        out.add(
            new TargetRecord(
                rs.getString(1), rs.getBoolean(2), lastPoll, rs.getString(4), rs.getLong(5),
                Optional.ofNullable(rs.getString(6))));
      }
    }
    return out;
  }

  static List<DatabaseInfo> databases(Connection c, String target) throws SQLException {
    List<DatabaseInfo> out = new ArrayList<>();
    try (var ps = c.prepareStatement("SELECT oid, name FROM target_database WHERE target = ? ORDER BY name")) {
      ps.setString(1, target);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DatabaseInfo(target, rs.getLong(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  static Set<TextKey> knownTextKeys(Connection c, String target) throws SQLException {
    Set<TextKey> out = new HashSet<>();
    try (var ps = c.prepareStatement("SELECT dbid, queryid FROM statement_text WHERE target = ?")) {
      ps.setString(1, target);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TextKey(rs.getLong(1), rs.getLong(2)));
        }
      }
    }
    return out;
  }

  static Optional<StatementText> text(Connection c, String target, long dbId, long queryId) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT query, truncated, family FROM statement_text WHERE target = ? AND dbid = ? AND queryid = ?")) {
      ps.setString(1, target);
      ps.setLong(2, dbId);
      ps.setLong(3, queryId);
      try (var rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new StatementText(target, dbId, queryId, rs.getString(1), rs.getBoolean(2), rs.getString(3)))
            : Optional.empty();
      }
    }
  }
}
