package dev.earlybird.history;

import dev.earlybird.model.StatementInterval;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hourly and daily rollups and retention, driven by watermarks stored in the same transaction as the rows
 * they describe, so a crash never loses or doubles a roll.
 *
 * <p>A bucket b of length L holds the intervals whose END lies in (b, b+L]: an interval that spans an hour
 * boundary counts in full in the hour of its end. Days are UTC days. Readers take each period from exactly
 * one tier: raw for ends after the hourly watermark, hourly for ends in (hourly_purged, hourly], daily for
 * ends at or before hourly_purged (which never passes the daily watermark). Hot-list reads also take whole
 * days up to the daily watermark from the daily tier ({@link WindowTiers}).
 */
final class Rollups {
  static final long HOUR_US = 3_600_000_000L;
  static final long DAY_US = 24 * HOUR_US;
  /** Hours are rolled a little after they end, so that polls in flight at the boundary are rarely late. */
  static final Duration GRACE = Duration.ofMinutes(2);

  static final String HOURLY = "hourly";
  static final String DAILY = "daily";
  static final String HOURLY_PURGED = "hourly_purged";
  /**
   * Watermark {@code span_<days>}: the hourly watermark span {@code days} ({@link #SPAN_DAYS}) was built at; none =
   * not built. One per span, so that a build keeping other spans than the one that wrote a store never takes a span
   * the store lacks for one it has.
   */
  static String spanName(int days) {
    return "span_" + days;
  }

  /** A span covers 23 hours, so that the last 24 hours hold one wholly whatever the minute and the rollup's grace. */
  static final long SPAN_US = 23 * HOUR_US;
  /**
   * The spans kept, in days back from the hourly watermark: span k covers {@code [w - 23 h - k days, w - k days)} for
   * watermark w. 0 serves the last 24 hours (the hot list, the families view, the fleet page), 1 the day before it
   * (the families view's change against the day before), 7 to 28 the same hours of the four weeks before (the hot
   * list's seasonal baseline). They never overlap.
   */
  static final List<Integer> SPAN_DAYS = List.of(0, 1, 7, 14, 21, 28);

  /**
   * Current watermarks in microseconds; 0 = nothing rolled/purged yet.
   *
   * @param spans the hourly watermark each kept span was built at, by days back; absent = not built
   */
  record Watermarks(long hourly, long daily, long hourlyPurged, Map<Integer, Long> spans) {
    Watermarks {
      spans = Map.copyOf(spans);
    }

    /** Where span {@code days} starts, if it is built. */
    java.util.OptionalLong spanStart(int days) {
      Long built = spans.get(days);
      return built == null ? java.util.OptionalLong.empty()
          : java.util.OptionalLong.of(built - SPAN_US - days * DAY_US);
    }

    /** Whether every kept span is built at the hourly watermark. */
    boolean spansCurrent() {
      return SPAN_DAYS.stream().allMatch(d -> spans.getOrDefault(d, -1L) == hourly);
    }
  }

  private Rollups() {}

  static Watermarks load(Connection c) throws SQLException {
    long h = 0, d = 0, p = 0;
    Map<Integer, Long> spans = new java.util.HashMap<>();
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT name, value_us FROM rollup_watermark")) {
      while (rs.next()) {
        switch (rs.getString(1)) {
          case HOURLY -> h = rs.getLong(2);
          case DAILY -> d = rs.getLong(2);
          case HOURLY_PURGED -> p = rs.getLong(2);
          default -> {
            for (int days : SPAN_DAYS) {
              if (rs.getString(1).equals(spanName(days))) {
                spans.put(days, rs.getLong(2));
              }
            }
          }
        }
      }
    }
    return new Watermarks(h, d, p, spans);
  }

  /**
   * Runs rollups then retention, one transaction per step; returns the new watermarks. The connection has
   * autocommit off; on failure the current step is rolled back and the exception propagates.
   */
  static Watermarks maintain(Connection c, StoreEngine engine, Watermarks wm, Instant now, Retention r)
      throws SQLException {
    long nowUs = Columns.micros(now);
    IntervalPartitions.prepare(c, now);
    long hourly = wm.hourly();
    long newHourly = Columns.floorTo(nowUs - GRACE.toNanos() / 1000, HOUR_US);
    if (newHourly > hourly) {
      engine.holdRollups(c, true); // waits for polls writing now: this step sees them all
      exec(
          c,
          """
          INSERT INTO statement_hourly
          SELECT target, dbid, queryid, (end_us - 1) - ((end_us - 1) %% %d) AS bucket_us, count(*) AS intervals, %s
          FROM statement_interval WHERE end_us > ? AND end_us <= ?
          GROUP BY target, dbid, queryid, (end_us - 1) - ((end_us - 1) %% %d)"""
              .formatted(HOUR_US, Columns.SUMS, HOUR_US),
          hourly,
          newHourly);
      setWatermark(c, HOURLY, newHourly);
      c.commit();
      hourly = newHourly;
    }
    long daily = wm.daily();
    long newDaily = Columns.floorTo(hourly, DAY_US);
    if (newDaily > daily) {
      engine.holdRollups(c, true); // a late poll folds into statement_hourly: none may run while it is summed
      // Hourly bucket b is in day b - (b % DAY): both are aligned to UTC midnight.
      exec(
          c,
          """
          INSERT INTO statement_daily
          SELECT target, dbid, queryid, bucket_us - (bucket_us %% %d) AS bucket_us,
                 CAST(sum(intervals) AS BIGINT) AS intervals, %s
          FROM statement_hourly WHERE bucket_us >= ? AND bucket_us < ?
          GROUP BY target, dbid, queryid, bucket_us - (bucket_us %% %d)"""
              .formatted(DAY_US, Columns.SUMS, DAY_US),
          daily,
          newDaily);
      setWatermark(c, DAILY, newDaily);
      c.commit();
      daily = newDaily;
    }
    // Retention never deletes what is not rolled up yet, whatever the settings.
    long rawCutoff = Math.min(nowUs - micros(r.intervals()), hourly);
    IntervalPartitions.dropThrough(c, rawCutoff); // on PostgreSQL whole days go at once; the DELETE takes the rest
    exec(c, "DELETE FROM statement_interval WHERE end_us <= ?", rawCutoff);
    exec(c, "DELETE FROM poll WHERE taken_at_us <= ?", nowUs - micros(r.intervals()));
    long purged = wm.hourlyPurged();
    long newPurged = Math.min(Columns.floorTo(nowUs - micros(r.hourly()), DAY_US), daily);
    if (newPurged > purged) {
      exec(c, "DELETE FROM statement_hourly WHERE bucket_us < ?", newPurged);
      setWatermark(c, HOURLY_PURGED, newPurged);
      purged = newPurged;
    }
    exec(c, "DELETE FROM statement_daily WHERE bucket_us + ? <= ?", DAY_US, nowUs - micros(r.daily()));
    // Resolved findings are kept as long as the daily history that explains them.
    exec(c, "DELETE FROM finding WHERE state = 'resolved' AND resolved_us <= ?", nowUs - micros(r.daily()));
    c.commit();
    Watermarks after = new Watermarks(hourly, daily, purged, wm.spans());
    if (hourly > 0 && !after.spansCurrent()) {
      buildSpans(c, hourly);
      c.commit();
      after = load(c);
    }
    return after;
  }

  /**
   * Replaces the rolling day spans with those ending at hourly watermark {@code hourly}, summed from the hourly
   * rollup as it stands (a span reaching below the hourly purge is built short, and readers never use it).
   */
  private static void buildSpans(Connection c, long hourly) throws SQLException {
    exec(c, "DELETE FROM statement_span");
    exec(c, "DELETE FROM rollup_watermark WHERE name LIKE 'span%'");
    for (int days : SPAN_DAYS) {
      long start = hourly - SPAN_US - days * DAY_US;
      exec(
          c,
          """
          INSERT INTO statement_span
          SELECT target, dbid, queryid, CAST(? AS BIGINT) AS span_us, CAST(sum(intervals) AS BIGINT) AS intervals, %s
          FROM statement_hourly WHERE bucket_us >= ? AND bucket_us < ?
          GROUP BY target, dbid, queryid"""
              .formatted(Columns.SUMS),
          start,
          start,
          start + SPAN_US);
      setWatermark(c, spanName(days), hourly);
    }
  }

  /**
   * Intervals arriving for a period that is already rolled up (a late or slow poll) are added to the
   * rollups too, in the poll's transaction, as extra rollup rows; readers sum rows per bucket.
   */
  static void foldLate(Connection c, Watermarks wm, List<StatementInterval> intervals, boolean ioTimed)
      throws SQLException {
    Map<List<Object>, Usage> hourly = new LinkedHashMap<>();
    Map<List<Object>, Usage> daily = new LinkedHashMap<>();
    Map<List<Object>, Usage> spans = new LinkedHashMap<>();
    for (StatementInterval i : intervals) {
      long end = Columns.micros(i.end());
      if (end > wm.hourly()) {
        continue;
      }
      Usage u = Columns.usageOf(i, ioTimed);
      var k = i.key();
      if (end > wm.hourlyPurged()) {
        long bucket = Columns.bucketOfEnd(end, HOUR_US);
        hourly.merge(List.of(k.target(), k.dbId(), k.queryId(), bucket), u, Columns::plus);
        // A span is the sum of its hours: what is added to an hour is added to the span holding it.
        for (int days : SPAN_DAYS) {
          var start = wm.spanStart(days);
          if (start.isPresent() && bucket >= start.getAsLong() && bucket < start.getAsLong() + SPAN_US) {
            spans.merge(List.of(k.target(), k.dbId(), k.queryId(), start.getAsLong()), u, Columns::plus);
          }
        }
      }
      if (end <= wm.daily()) {
        daily.merge(List.of(k.target(), k.dbId(), k.queryId(), Columns.bucketOfEnd(end, DAY_US)), u, Columns::plus);
      }
    }
    append(c, "statement_hourly", hourly);
    append(c, "statement_daily", daily);
    append(c, "statement_span", spans);
  }

  private static void append(Connection c, String table, Map<List<Object>, Usage> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (BulkRows a = BulkRows.into(c, table)) {
      for (var e : rows.entrySet()) {
        List<Object> k = new ArrayList<>(e.getKey());
        a.add((String) k.get(0)).add((long) (Long) k.get(1)).add((long) (Long) k.get(2));
        a.add((long) (Long) k.get(3));
        Columns.appendUsage(a, e.getValue());
        a.endRow();
      }
    }
  }

  private static void setWatermark(Connection c, String name, long valueUs) throws SQLException {
    exec(
        c,
        """
        INSERT INTO rollup_watermark (name, value_us) VALUES (?, ?)
        ON CONFLICT (name) DO UPDATE SET value_us = excluded.value_us""",
        name,
        valueUs);
  }

  private static long micros(Duration d) {
    return d.toSeconds() * 1_000_000L + d.toNanosPart() / 1_000;
  }

  private static void exec(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }
}
