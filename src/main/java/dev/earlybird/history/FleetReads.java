package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The fleet page's reads: a few numbers per target, each one grouped statement over the whole fleet. */
final class FleetReads {
  private FleetReads() {}

  /**
   * Per target, CPU, calls and statements over {@code (from, to]}: the window's tiers as the hot list reads them,
   * each statement's CPU by its own layer, summed per target. 700 databases are one scan, not one hot list each.
   */
  static Map<String, TargetCpu> targetCpu(Connection c, Instant from, Instant to) throws SQLException {
    WindowTiers tiers = WindowTiers.of(c, Columns.micros(from), Columns.micros(to));
    String sql =
        """
        WITH %s,
        agg AS (
          SELECT target, dbid, queryid, CAST(sum(intervals) AS BIGINT) AS intervals, %s
          FROM tiers GROUP BY target, dbid, queryid)
        SELECT a.target, sum(%s) AS cpu_ms, CAST(sum(a.calls) AS BIGINT) AS calls, count(*) AS statements,
               max(%s) AS weakest
        FROM agg a
        GROUP BY a.target
        ORDER BY a.target"""
            .formatted(tiers.sql(""), Columns.SUMS, CpuRank.cpu("a.", "NULL"), CpuRank.source("a.", "NULL"));
    Map<String, TargetCpu> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          String target = rs.getString("target");
          out.put(target, new TargetCpu(target, Math.max(0, rs.getDouble("cpu_ms")), rs.getLong("calls"),
              rs.getLong("statements"), rs.getInt("weakest")));
        }
      }
    }
    return out;
  }
}
