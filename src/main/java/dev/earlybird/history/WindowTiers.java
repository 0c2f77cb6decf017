package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tiers of a window read ({@code tiers} CTE: target, dbid, queryid, intervals and the {@link Columns#METRICS}),
 * planned from the rollup watermarks into pieces whose bounds are constants, so that every scan reads only its range
 * (DuckDB prunes row groups by constant bounds; bounds taken from a joined watermark row filter only after reading).
 * The watermarks are read on the same connection: reads run in one transaction, so plan and rows are one snapshot
 * even while the writer rolls up.
 *
 * <p>Every period comes from exactly one tier:
 * <ul>
 *   <li>whole days: the day buckets {@code [ds, de)} with {@code ds} = the first midnight at or after {@code from} and
 *       {@code de} = the last midnight at or before {@code to}, capped at the daily watermark, from {@code
 *       statement_daily} (one row per statement per day instead of 24 hourly rows, late intervals included);
 *   <li>the rolling day spans ({@link Rollups#SPAN_DAYS}) that lie wholly in the window, in the hourly tier and
 *       outside those days, from {@code statement_span}: one row per statement for 23 hours, so a read of the last 24
 *       hours sums about 3 rows per statement instead of 25;
 *   <li>the other hours in (hourly purge, hourly watermark) that overlap the window, from {@code statement_hourly};
 *   <li>days older than the hourly purge that overlap the window, from {@code statement_daily};
 *   <li>intervals ending after the hourly watermark, from {@code statement_interval}.
 * </ul>
 */
final class WindowTiers {
  /** A range of buckets {@code [from, to)} of one table. */
  private record Range(long from, long to) {}

  private final long toUs;
  private final long rawAfterUs;
  private final List<Range> hours;
  private final List<Range> days;
  private final List<Long> spans;

  private WindowTiers(long toUs, long rawAfterUs, List<Range> hours, List<Range> days, List<Long> spans) {
    this.toUs = toUs;
    this.rawAfterUs = rawAfterUs;
    this.hours = hours;
    this.days = days;
    this.spans = spans;
  }

  /** The pieces of the window {@code (fromUs, toUs]} under the store's current watermarks (read on {@code c}). */
  static WindowTiers of(Connection c, long fromUs, long toUs) throws SQLException {
    return of(Rollups.load(c), fromUs, toUs);
  }

  /** The pieces of the window {@code (fromUs, toUs]} under watermarks {@code wm}. Pure. */
  static WindowTiers of(Rollups.Watermarks wm, long fromUs, long toUs) {
    long hw = wm.hourly(), pw = wm.hourlyPurged();
    long ds = -Columns.floorTo(-fromUs, Rollups.DAY_US); // the first midnight at or after from
    long de = Math.min(Columns.floorTo(toUs, Rollups.DAY_US), wm.daily());
    List<Range> skip = new ArrayList<>();
    if (de > ds) {
      skip.add(new Range(ds, de));
    }
    List<Long> spans = new ArrayList<>();
    for (int d : Rollups.SPAN_DAYS) {
      var start = wm.spanStart(d);
      if (start.isEmpty()) {
        continue;
      }
      long s = start.getAsLong(), e = s + Rollups.SPAN_US;
      boolean inWindow = s + Rollups.HOUR_US > fromUs && e - Rollups.HOUR_US < toUs;
      boolean inHourly = s >= pw && e <= hw;
      boolean clearOfDays = de <= ds || e <= ds || s >= de;
      if (inWindow && inHourly && clearOfDays) {
        spans.add(s);
        skip.add(new Range(s, e));
      }
    }
    // Hours: bucket b counts when it overlaps the window (b + hour > from, b < to) and lies in [pw, hw).
    List<Range> hours = minus(new Range(Math.max(pw, fromUs - Rollups.HOUR_US + 1), Math.min(hw, toUs)), skip);
    // Days: purged ones that overlap the window, and the whole days [ds, de); as disjoint ranges of bucket starts.
    List<Range> days = new ArrayList<>();
    Range overlap = new Range(fromUs - Rollups.DAY_US + 1, toUs);
    Range purged = intersect(new Range(Long.MIN_VALUE, pw - Rollups.DAY_US + 1), overlap);
    if (purged != null) {
      days.add(purged);
    }
    if (de > ds) {
      days.addAll(minus(new Range(ds, de), days));
    }
    return new WindowTiers(toUs, Math.max(hw, fromUs), hours, days, spans);
  }

  /** {@code r} without the ranges in {@code cut}, in order; empty ranges left out. */
  private static List<Range> minus(Range r, List<Range> cut) {
    List<Range> out = new ArrayList<>();
    long at = r.from();
    for (Range c : cut.stream().sorted(Comparator.comparingLong(Range::from)).toList()) {
      if (c.to() <= at || c.from() >= r.to()) {
        continue;
      }
      if (c.from() > at) {
        out.add(new Range(at, c.from()));
      }
      at = Math.max(at, c.to());
    }
    if (at < r.to()) {
      out.add(new Range(at, r.to()));
    }
    return out;
  }

  private static Range intersect(Range a, Range b) {
    long f = Math.max(a.from(), b.from()), t = Math.min(a.to(), b.to());
    return f < t ? new Range(f, t) : null;
  }

  /**
   * The {@code tiers} CTE; {@code filter} is appended to each piece's WHERE ("AND target = ?") and bound by {@link
   * #bind}.
   */
  String sql(String filter) {
    List<String> pieces = new ArrayList<>();
    pieces.add("SELECT target, dbid, queryid, 1 AS intervals, %s FROM statement_interval WHERE end_us > %d AND end_us <= %d %s"
        .formatted(Columns.METRICS, rawAfterUs, toUs, filter));
    for (Range h : hours) {
      pieces.add(rollup("statement_hourly", h, filter));
    }
    for (Range d : days) {
      pieces.add(rollup("statement_daily", d, filter));
    }
    for (long s : spans) {
      pieces.add("SELECT target, dbid, queryid, intervals, %s FROM statement_span WHERE span_us = %d %s"
          .formatted(Columns.METRICS, s, filter));
    }
    return "tiers AS (\n  " + String.join("\n  UNION ALL\n  ", pieces) + ")";
  }

  private static String rollup(String table, Range r, String filter) {
    String from = r.from() == Long.MIN_VALUE ? "" : "bucket_us >= " + r.from() + " AND ";
    return "SELECT target, dbid, queryid, intervals, %s FROM %s WHERE %sbucket_us < %d %s"
        .formatted(Columns.METRICS, table, from, r.to(), filter);
  }

  /** Binds {@code target} (when not null) once per piece of {@link #sql}; returns the next index. */
  int bind(PreparedStatement ps, int i, String target) throws SQLException {
    if (target != null) {
      for (int p = 0; p < 1 + hours.size() + days.size() + spans.size(); p++) {
        ps.setString(i++, target);
      }
    }
    return i;
  }

}
