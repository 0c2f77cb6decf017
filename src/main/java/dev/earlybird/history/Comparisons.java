package dev.earlybird.history;

import dev.earlybird.model.Period;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Window-versus-baseline reads for the analysis. Everything heavy happens in one SQL statement (aggregate
 * the window, aggregate the baseline periods for the window's statements only, rank, filter), so memory on
 * the agent's side is bounded by the candidates returned, not by the fleet's number of statements.
 */
final class Comparisons {
  private Comparisons() {}

  /** Reads the tiers of one period under the CTE name {@code name}. */
  private static String tiers(String name, String filter) {
    return HistoryReads.tiers(filter).replaceFirst("^tiers AS", name + " AS");
  }

  /** "(target = ? AND dbid IN (1, 2))" OR-ed per target; dbids are numbers, safe to inline. */
  private static String scopeFilter(Map<String, Set<Long>> scope) {
    return scopeFilter(scope, "");
  }

  /** The same on columns of the table alias {@code prefix} ("j." or ""). */
  private static String scopeFilter(Map<String, Set<Long>> scope, String prefix) {
    if (scope.isEmpty()) {
      return "";
    }
    return "AND ("
        + scope.entrySet().stream()
            .map(e -> "(" + prefix + "target = ? AND " + prefix + "dbid IN ("
                + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(", ")) + "))")
            .collect(Collectors.joining(" OR "))
        + ")";
  }

  private static int bindPeriod(PreparedStatement ps, int i, Period p, Map<String, Set<Long>> scope) throws SQLException {
    for (int tier = 0; tier < 3; tier++) {
      ps.setLong(i++, Columns.micros(p.from()));
      ps.setLong(i++, Columns.micros(p.to()));
      for (String target : scope.keySet()) {
        ps.setString(i++, target);
      }
    }
    return i;
  }

  /** Binds the pieces of {@link #baseCtes} in its order: tier pieces, then day pieces. */
  private static int bindBaseline(PreparedStatement ps, int i, BaselineRead read, Map<String, Set<Long>> scope)
      throws SQLException {
    for (Period p : read.tiers()) {
      i = bindPeriod(ps, i, p, scope);
    }
    for (Period d : read.days()) {
      ps.setLong(i++, Columns.micros(d.from()));
      ps.setLong(i++, Columns.micros(d.to()));
      for (String target : scope.keySet()) {
        ps.setString(i++, target);
      }
    }
    return i;
  }

  /** Splits the periods by what the daily rollup holds now (read on the statement's connection). */
  private static BaselineRead baselineRead(Connection c, List<Period> periods) throws SQLException {
    return BaselineRead.of(periods, Rollups.load(c).daily());
  }

  /**
   * The baseline CTEs: {@code base_0..n} (the tier rows of each piece read through the tiers), {@code
   * base_d0..n} (the daily rows of each run of whole days) and {@code base} (summed per statement).
   *
   * @param onlyCur sum only the statements of {@code cur}: a join before the sum, worth it when cur holds a few
   *     statements (the hot list's baseline column). For a whole window (compare) it is much slower than summing
   *     every statement and dropping the others in the join with the window: probing the baseline's rows one
   *     by one against a million keys cost several times the sum itself.
   */
  private static String baseCtes(BaselineRead read, String filter, boolean onlyCur) {
    if (read.isEmpty()) {
      // No baseline: an empty relation of the right shape.
      return """
          base AS (SELECT target, dbid, queryid, CAST(0 AS BIGINT) AS intervals, %s FROM statement_hourly WHERE false)"""
          .formatted(Columns.METRICS);
    }
    List<String> parts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int p = 0; p < read.tiers().size(); p++) {
      parts.add(tiers("base_" + p, filter));
      names.add("SELECT * FROM base_" + p);
    }
    for (int d = 0; d < read.days().size(); d++) {
      parts.add(
          """
          base_d%d AS (
            SELECT target, dbid, queryid, bucket_us AS p_start, bucket_us + %d AS p_end, 'DAY' AS resolution,
                   intervals, %s
            FROM statement_daily
            WHERE bucket_us >= ? AND bucket_us < ? %s)"""
              .formatted(d, Rollups.DAY_US, Columns.METRICS, filter));
      names.add("SELECT * FROM base_d" + d);
    }
    String join = onlyCur
        ? """
          JOIN (SELECT target AS kt, dbid AS kd, queryid AS kq FROM cur) k
            ON k.kt = b.target AND k.kd = b.dbid AND k.kq = b.queryid"""
        : "";
    return String.join(",\n", parts)
        + """
        ,
        base AS (
          SELECT b.target, b.dbid, b.queryid, CAST(sum(b.intervals) AS BIGINT) AS intervals, %s
          FROM (%s) b
          %s
          GROUP BY b.target, b.dbid, b.queryid)"""
            .formatted(Columns.SUMS, String.join(" UNION ALL ", names), join);
  }

  private static String prefixed(String alias, String prefix) {
    List<String> cols = new ArrayList<>(List.of("intervals"));
    cols.addAll(Columns.LONGS);
    cols.addAll(Columns.DOUBLES);
    cols.addAll(Columns.CPU);
    return cols.stream()
        .map(c -> "coalesce(" + alias + "." + c + ", 0) AS " + prefix + c)
        .collect(Collectors.joining(", "));
  }

  static List<StatementComparison> compare(
      Connection c, Period window, List<Period> baseline, Map<String, Set<Long>> scope, CandidateFilter f)
      throws SQLException {
    String filter = scopeFilter(scope);
    BaselineRead read = baselineRead(c, baseline);
    String sql =
        """
        WITH %s, %s,
        cur AS (
          SELECT target, dbid, queryid, CAST(sum(intervals) AS BIGINT) AS intervals, %s
          FROM cur_t GROUP BY target, dbid, queryid),
        %s,
        %s,
        j AS (
          SELECT %s, %s, pi.pi_cpu_ms AS w_pi_cpu_ms, %s AS cpu_ms, %s AS target_rank,
                 row_number() OVER (PARTITION BY c.target, c.dbid ORDER BY %s DESC, c.queryid) AS db_rank,
                 %s AS target_cpu_ms,
                 c.target AS target, c.dbid AS dbid, c.queryid AS queryid
          FROM cur c LEFT JOIN base b ON b.target = c.target AND b.dbid = c.dbid AND b.queryid = c.queryid
          LEFT JOIN pi ON pi.target = c.target AND pi.dbid = c.dbid AND pi.queryid = c.queryid)
        SELECT j.*, x.family AS family FROM j
        LEFT JOIN statement_text x ON x.target = j.target AND x.dbid = j.dbid AND x.queryid = j.queryid
        WHERE (target_rank <= ? OR db_rank <= ?
           OR (w_calls >= ? AND b_calls >= ? AND w_exec_ms * b_calls >= ? * b_exec_ms * w_calls
               AND w_exec_ms - b_exec_ms * w_calls / b_calls >= ?)
           OR EXISTS (SELECT 1 FROM finding f WHERE f.state IN ('pending', 'active')
                      AND f.target = j.target AND f.dbid = j.dbid AND f.queryid = j.queryid))
          %s
        ORDER BY j.target, target_rank"""
            .formatted(
                HistoryReads.WATERMARKS,
                tiers("cur_t", ""),
                Columns.SUMS,
                baseCtes(read, filter, false),
                PiTables.cpuCtes("pi"),
                prefixed("c", "w_"),
                prefixed("b", "b_"),
                CpuRank.cpu("c.", "pi.pi_cpu_ms"),
                CpuRank.targetRank("c.", "pi.pi_cpu_ms", "c."),
                CpuRank.cpu("c.", "pi.pi_cpu_ms"),
                CpuRank.targetTotal("c.", "pi.pi_cpu_ms", "c."),
                scopeFilter(scope, "j."));
    List<StatementComparison> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      // The scope narrows the baseline and the rows returned: ranks and target totals always cover the whole
      // window (a call per zone's plan would otherwise fetch every database's rows once per plan).
      int i = bindPeriod(ps, 1, window, Map.of());
      i = bindBaseline(ps, i, read, scope);
      i = PiTables.bindCpu(ps, i, window);
      ps.setInt(i++, f.top());
      ps.setInt(i++, f.top());
      ps.setLong(i++, f.minCalls());
      ps.setLong(i++, f.minCalls());
      ps.setDouble(i++, f.minRatio());
      ps.setDouble(i++, f.minExtraMs());
      for (String target : scope.keySet()) {
        ps.setString(i++, target);
      }
      try (var rs = ps.executeQuery()) {
        int[] w = Columns.usageColumns(rs, "w_");
        int[] b = Columns.usageColumns(rs, "b_");
        int target = rs.findColumn("target"), dbId = rs.findColumn("dbid"), queryId = rs.findColumn("queryid");
        int family = rs.findColumn("family"), cpu = rs.findColumn("cpu_ms"), rank = rs.findColumn("target_rank");
        int targetCpu = rs.findColumn("target_cpu_ms"), piCpu = rs.findColumn("w_pi_cpu_ms");
        while (rs.next()) {
          Usage cur = Columns.readUsage(rs, w);
          double pi = rs.getDouble(piCpu);
          if (!rs.wasNull()) {
            cur = cur.withPiCpuMs(pi);
          }
          out.add(
              new StatementComparison(
                  rs.getString(target), rs.getLong(dbId), rs.getLong(queryId), rs.getString(family),
                  cur, Columns.readUsage(rs, b), rs.getDouble(cpu),
                  rs.getInt(rank), rs.getDouble(targetCpu)));
        }
      }
    }
    return out;
  }

  static List<OutlierRow> outliers(Connection c, Period window, OutlierFilter f) throws SQLException {
    String sql =
        """
        WITH %s, %s,
        cur AS (
          SELECT target, dbid, queryid, sum(calls) AS calls, sum(exec_ms) AS exec_ms
          FROM cur_t GROUP BY target, dbid, queryid),
        per AS (
          SELECT c.target, c.dbid, c.queryid, x.family, CAST(c.calls AS BIGINT) AS calls, c.exec_ms / c.calls AS mean_ms
          FROM cur c JOIN statement_text x ON x.target = c.target AND x.dbid = c.dbid AND x.queryid = c.queryid
          WHERE c.calls >= ? AND x.family IS NOT NULL),
        fam AS (
          SELECT family, percentile_cont(0.5) WITHIN GROUP (ORDER BY mean_ms) AS median_ms, count(*) AS n
          FROM per GROUP BY family HAVING count(*) >= ?)
        SELECT per.target, per.dbid, per.queryid, per.family, per.calls, per.mean_ms, fam.median_ms, fam.n
        FROM per JOIN fam ON fam.family = per.family
        WHERE (per.mean_ms >= ? * fam.median_ms AND (per.mean_ms - fam.median_ms) * per.calls >= ?)
           OR EXISTS (SELECT 1 FROM finding f WHERE f.state IN ('pending', 'active') AND f.kind = 'outlier'
                      AND f.target = per.target AND f.dbid = per.dbid AND f.queryid = per.queryid)
        ORDER BY per.family, per.mean_ms DESC"""
            .formatted(HistoryReads.WATERMARKS, tiers("cur_t", ""));
    List<OutlierRow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = bindPeriod(ps, 1, window, Map.of());
      ps.setLong(i++, f.minCalls());
      ps.setInt(i++, f.minDatabases());
      ps.setDouble(i++, f.minRatio());
      ps.setDouble(i, f.minExtraMs());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new OutlierRow(
                  rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getLong(5), rs.getDouble(6),
                  rs.getDouble(7), rs.getInt(8)));
        }
      }
    }
    return out;
  }

  /** Baseline sums for given statements (the hot list's baseline column); keys absent from the result did not run. */
  static Map<StatementRef, Usage> usage(Connection c, List<Period> periods, List<StatementRef> keys) throws SQLException {
    Map<StatementRef, Usage> out = new java.util.HashMap<>();
    if (keys.isEmpty() || periods.isEmpty()) {
      return out;
    }
    BaselineRead read = baselineRead(c, periods);
    String values = keys.stream().map(k -> "(?, ?, ?)").collect(Collectors.joining(", "));
    String sql =
        """
        WITH %s,
        cur(target, dbid, queryid) AS (VALUES %s),
        %s
        SELECT * FROM base"""
            .formatted(HistoryReads.WATERMARKS, values, baseCtes(read, "", true));
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (StatementRef k : keys) {
        ps.setString(i++, k.target());
        ps.setLong(i++, k.dbId());
        ps.setLong(i++, k.queryId());
      }
      bindBaseline(ps, i, read, Map.of());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(new StatementRef(rs.getString("target"), rs.getLong("dbid"), rs.getLong("queryid")), Columns.readUsage(rs));
        }
      }
    }
    return out;
  }

  /** A piece of a baseline read: through the tiers, or whole days from the daily rollup ({@link BaselineRead}). */
  private record Piece(boolean days, Period period) {}

  /**
   * {@link HistoryStore#callTimes}: the reads' pieces deduplicated (zones without a DST change in the lookback plan
   * the same UTC periods), each scanned once for calls and execution time only, joined to the statements of the
   * reads that have the piece.
   */
  static List<Map<StatementRef, CallTime>> callTimes(Connection c, List<CallTime.Read> reads) throws SQLException {
    List<Map<StatementRef, CallTime>> out = new ArrayList<>();
    Rollups.Watermarks wm = Rollups.load(c);
    long daily = wm.daily();
    Map<Piece, Integer> pieces = new java.util.LinkedHashMap<>();
    List<String> readPieces = new ArrayList<>();
    List<Object[]> keys = new ArrayList<>();
    for (int r = 0; r < reads.size(); r++) {
      out.add(new java.util.HashMap<>());
      CallTime.Read read = reads.get(r);
      if (read.statements().isEmpty()) {
        continue;
      }
      BaselineRead split = BaselineRead.of(read.periods(), daily);
      List<Piece> mine = new ArrayList<>();
      split.tiers().forEach(p -> mine.add(new Piece(false, p)));
      split.days().forEach(p -> mine.add(new Piece(true, p)));
      for (Piece p : mine) {
        readPieces.add("(" + r + ", " + pieces.computeIfAbsent(p, k -> pieces.size()) + ")");
      }
      for (StatementRef k : read.statements()) {
        keys.add(new Object[] {r, k});
      }
    }
    if (pieces.isEmpty() || keys.isEmpty()) {
      return out;
    }
    // The statements' query ids filter every scan: a hot list's hundred statements are found among a fleet's 70,000
    // while the rows are read, instead of summing every statement of every period and joining the hundred after.
    // Literals, not parameters: they are longs, and three tiers per piece would bind each list several times.
    String only = "AND queryid IN (" + keys.stream().map(k -> ((StatementRef) k[1]).queryId()).distinct()
        .map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    List<String> ctes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (var e : pieces.entrySet()) {
      int n = e.getValue();
      String rows = e.getKey().days()
          ? "SELECT target, dbid, queryid, calls, exec_ms FROM statement_daily WHERE bucket_us >= ? AND bucket_us < ? "
              + only
          : "SELECT target, dbid, queryid, calls, exec_ms FROM tiers";
      // Through the window tiers: a seasonal baseline's weeks are the rolling day spans of 7 to 28 days back.
      String tiers = e.getKey().days() ? "" : WindowTiers.of(wm, Columns.micros(e.getKey().period().from()),
          Columns.micros(e.getKey().period().to())).sql(only) + ",\n";
      ctes.add("piece_%d AS (WITH %sx AS (%s) SELECT %d AS piece, * FROM x)"
          .formatted(n, tiers, rows, n));
      names.add("SELECT * FROM piece_" + n);
    }
    String sql =
        """
        WITH keys(r, target, dbid, queryid) AS (VALUES %s),
        read_piece(r, piece) AS (VALUES %s),
        %s
        SELECT k.r, k.target, k.dbid, k.queryid, CAST(sum(x.calls) AS BIGINT) AS calls, sum(x.exec_ms) AS exec_ms
        FROM (%s) x
        JOIN keys k ON k.target = x.target AND k.dbid = x.dbid AND k.queryid = x.queryid
        JOIN read_piece rp ON rp.r = k.r AND rp.piece = x.piece
        GROUP BY k.r, k.target, k.dbid, k.queryid"""
            .formatted(
                keys.stream().map(k -> "(CAST(? AS INTEGER), ?, CAST(? AS BIGINT), CAST(? AS BIGINT))")
                    .collect(Collectors.joining(", ")),
                String.join(", ", readPieces), String.join(",\n", ctes), String.join(" UNION ALL ", names));
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Object[] k : keys) {
        StatementRef ref = (StatementRef) k[1];
        ps.setInt(i++, (Integer) k[0]);
        ps.setString(i++, ref.target());
        ps.setLong(i++, ref.dbId());
        ps.setLong(i++, ref.queryId());
      }
      for (Piece p : pieces.keySet()) {
        i = p.days() ? bindDays(ps, i, p.period()) : i; // the tiers' pieces have no parameters without a target
      }
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.get(rs.getInt(1)).put(new StatementRef(rs.getString(2), rs.getLong(3), rs.getLong(4)),
              new CallTime(rs.getLong(5), rs.getDouble(6)));
        }
      }
    }
    return out;
  }

  private static int bindDays(PreparedStatement ps, int i, Period days) throws SQLException {
    ps.setLong(i++, Columns.micros(days.from()));
    ps.setLong(i++, Columns.micros(days.to()));
    return i;
  }
}
