package dev.earlybird.history;

import dev.earlybird.model.Period;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link PeriodSums}: one statement with the watermarks, one range scan per period and tier (a few hours each,
 * never the weeks between them). Raw intervals count when their end lies in {@code (from, to]}; an hourly bucket
 * when its middle lies in {@code [from, to)}, which for hour-aligned periods is the same set of intervals. The daily
 * tier is not read: it has no hours, so a period it alone still holds is reported as not covered. Plain SQL that
 * also runs on PostgreSQL.
 */
final class PeriodReads {
  private static final String RAW =
      """
      SELECT %1$d AS p, dbid, queryid, (end_us - 1) - ((end_us - 1) %% %2$d) AS hour_us, 1 AS intervals, %3$s
      FROM statement_interval, wm
      WHERE target = ? AND end_us > wm.hw AND end_us > ? AND end_us <= ?""";
  private static final String HOURLY =
      """
      SELECT %1$d AS p, dbid, queryid, bucket_us AS hour_us, intervals, %3$s
      FROM statement_hourly, wm
      WHERE target = ? AND bucket_us >= wm.pw AND bucket_us < wm.hw
        AND bucket_us + %4$d >= ? AND bucket_us + %4$d < ?""";

  private PeriodReads() {}

  static PeriodSums read(Connection c, String target, List<Period> periods) throws SQLException {
    List<Map<StatementRef, Usage>> byPeriod = new ArrayList<>();
    List<Integer> hours = new ArrayList<>();
    for (int i = 0; i < periods.size(); i++) {
      byPeriod.add(new HashMap<>());
      hours.add(0);
    }
    if (periods.isEmpty()) {
      return new PeriodSums(periods, byPeriod, hours);
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < periods.size(); i++) {
      parts.add(RAW.formatted(i, Rollups.HOUR_US, Columns.METRICS, Rollups.HOUR_US / 2));
      parts.add(HOURLY.formatted(i, Rollups.HOUR_US, Columns.METRICS, Rollups.HOUR_US / 2));
    }
    String sql =
        """
        WITH %s,
        picked AS (
        %s),
        cov AS (SELECT p, count(DISTINCT hour_us) AS hours FROM picked GROUP BY p)
        SELECT s.p, s.dbid, s.queryid, cov.hours, CAST(sum(s.intervals) AS BIGINT) AS intervals, %s
        FROM picked s JOIN cov ON cov.p = s.p
        GROUP BY s.p, s.dbid, s.queryid, cov.hours"""
            .formatted(HistoryReads.WATERMARKS, String.join("\nUNION ALL\n", parts), Columns.SUMS);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int k = 1;
      for (Period p : periods) {
        for (int tier = 0; tier < 2; tier++) {
          ps.setString(k++, target);
          ps.setLong(k++, Columns.micros(p.from()));
          ps.setLong(k++, Columns.micros(p.to()));
        }
      }
      try (var rs = ps.executeQuery()) {
        int[] cols = null;
        while (rs.next()) {
          cols = cols == null ? Columns.usageColumns(rs, "") : cols;
          int p = rs.getInt(1);
          hours.set(p, rs.getInt(4));
          byPeriod.get(p).put(new StatementRef(target, rs.getLong(2), rs.getLong(3)), Columns.readUsage(rs, cols));
        }
      }
    }
    return new PeriodSums(periods, byPeriod, hours);
  }
}
