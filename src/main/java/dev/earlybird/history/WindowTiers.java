package dev.earlybird.history;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The tiers of a window read ({@code tiers} CTE, same shape as {@link HistoryReads}'), but taking the whole
 * UTC days inside the window that are already rolled up from {@code statement_daily}: one row per statement
 * per day instead of 24 hourly rows, so yesterday's hot list stays cheap however long hourly rollups are
 * kept. Only the partial days at the edges come from the hourly and raw tiers.
 *
 * <p>Every period still comes from exactly one tier. With the watermarks read in the same statement:
 * whole days are the day buckets {@code [ds, de)} with {@code ds} = the first midnight at or after
 * {@code from} and {@code de} = the last midnight at or before {@code to}, capped at the daily watermark
 * (every interval ending at or before it is in {@code statement_daily}, late ones included). The hourly tier
 * skips the hours of those days; the daily tier adds them to the days it already serves (those older than
 * the hourly purge); raw serves ends after the hourly watermark, which is never before the daily one.
 */
final class WindowTiers {
  private static final String SQL =
      """
      wm AS (
        SELECT coalesce(max(value_us) FILTER (WHERE name = 'hourly'), 0) AS hw,
               coalesce(max(value_us) FILTER (WHERE name = 'hourly_purged'), 0) AS pw,
               least(CAST(? AS BIGINT), coalesce(max(value_us) FILTER (WHERE name = 'daily'), 0)) AS de,
               CAST(? AS BIGINT) AS ds
        FROM rollup_watermark),
      tiers AS (
        SELECT target, dbid, queryid, 1 AS intervals, %1$s
        FROM statement_interval, wm
        WHERE end_us > wm.hw AND end_us > ? AND end_us <= ? %2$s
        UNION ALL
        SELECT target, dbid, queryid, intervals, %1$s
        FROM statement_hourly, wm
        WHERE bucket_us >= wm.pw AND bucket_us < wm.hw AND bucket_us + %3$d > ? AND bucket_us < ?
          AND NOT (bucket_us >= wm.ds AND bucket_us < wm.de) %2$s
        UNION ALL
        SELECT target, dbid, queryid, intervals, %1$s
        FROM statement_daily, wm
        WHERE (bucket_us + %4$d <= wm.pw OR (bucket_us >= wm.ds AND bucket_us + %4$d <= wm.de))
          AND bucket_us + %4$d > ? AND bucket_us < ? %2$s)""";

  private WindowTiers() {}

  /** The {@code wm} and {@code tiers} CTEs; {@code filter} is appended to each tier's WHERE ("AND target = ?"). */
  static String sql(String filter) {
    return SQL.formatted(Columns.METRICS, filter, Rollups.HOUR_US, Rollups.DAY_US);
  }

  /**
   * Binds the window, then {@code target} (when not null) after each tier's bounds; returns the next index.
   */
  static int bind(PreparedStatement ps, int i, long fromUs, long toUs, String target) throws SQLException {
    ps.setLong(i++, Columns.floorTo(toUs, Rollups.DAY_US));
    ps.setLong(i++, -Columns.floorTo(-fromUs, Rollups.DAY_US)); // the first midnight at or after from
    for (int tier = 0; tier < 3; tier++) {
      ps.setLong(i++, fromUs);
      ps.setLong(i++, toUs);
      if (target != null) {
        ps.setString(i++, target);
      }
    }
    return i;
  }
}
