package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * On PostgreSQL, {@code statement_interval} is partitioned by UTC day of {@code end_us}
 * ({@code statement_interval_YYYYMMDD}, plus a default partition for rows outside every day prepared), so that retention
 * drops whole days instead of deleting (and vacuuming) millions of rows. Maintenance prepares the days around now
 * before polls reach them. Everything here does nothing on DuckDB, which keeps one table.
 */
final class IntervalPartitions {
  static final String PARENT = "statement_interval";
  static final String DEFAULT = "statement_interval_default";
  /** Days prepared ahead of now, so that polls never land in the default partition in normal operation. */
  static final int DAYS_AHEAD = 2;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  private IntervalPartitions() {}

  static boolean applies(Connection c) throws SQLException {
    return c.isWrapperFor(PGConnection.class);
  }

  /**
   * Migration 13: the table becomes partitioned, every row kept (in the default partition until its day is made), and
   * the interval and rollup tables get their indexes.
   */
  static void partition(Connection c) throws SQLException {
    if (!applies(c)) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + PARENT + " RENAME TO statement_interval_unpartitioned");
      s.execute("CREATE TABLE " + PARENT + " (LIKE statement_interval_unpartitioned INCLUDING DEFAULTS)"
          + " PARTITION BY RANGE (end_us)");
      s.execute("CREATE TABLE " + DEFAULT + " PARTITION OF " + PARENT + " DEFAULT");
      s.execute("INSERT INTO " + PARENT + " SELECT * FROM statement_interval_unpartitioned");
      s.execute("DROP TABLE statement_interval_unpartitioned");
      // A window's rows by time, a statement's (the series, a baseline's listed statements) by query id then time;
      // an index on the partitioned table is made on each partition.
      for (String[] t : new String[][] {{PARENT, "end_us"}, {"statement_hourly", "bucket_us"},
          {"statement_daily", "bucket_us"}, {"statement_span", "span_us"}}) {
        s.execute("CREATE INDEX " + t[0] + "_time ON " + t[0] + " (" + t[1] + ")");
        s.execute("CREATE INDEX " + t[0] + "_statement ON " + t[0] + " (queryid, " + t[1] + ")");
      }
      s.execute("CREATE INDEX poll_time ON poll (taken_at_us)");
    }
  }

  /**
   * Makes the partitions of yesterday through {@link #DAYS_AHEAD} days after {@code now}. A day whose rows went to the
   * default partition (a poll from further ahead, or a store upgraded with rows in it) gets them moved into its own.
   */
  static void prepare(Connection c, Instant now) throws SQLException {
    if (!applies(c)) {
      return;
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<String> existing = partitions(c);
    List<LocalDate> days = new ArrayList<>();
    for (int d = -1; d <= DAYS_AHEAD; d++) {
      days.add(today.plusDays(d));
    }
    // Days that have rows in the default partition, whatever their distance from now.
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT DISTINCT end_us / 86400000000 FROM " + DEFAULT + " WHERE end_us > 0")) {
      while (rs.next()) {
        LocalDate d = LocalDate.ofEpochDay(rs.getLong(1));
        if (!days.contains(d)) {
          days.add(d);
        }
      }
    }
    for (LocalDate day : days) {
      if (!existing.contains(name(day))) {
        create(c, day);
      }
    }
  }

  /** Drops the partitions whose every row ends at or before {@code cutoffUs}; returns how many. */
  static int dropThrough(Connection c, long cutoffUs) throws SQLException {
    if (!applies(c)) {
      return 0;
    }
    int dropped = 0;
    for (String p : partitions(c)) {
      long end = start(LocalDate.parse(p.substring(PARENT.length() + 1), DAY).plusDays(1));
      if (end - 1 <= cutoffUs) {
        try (Statement s = c.createStatement()) {
          s.execute("DROP TABLE " + p);
        }
        dropped++;
      }
    }
    return dropped;
  }

  /** The day partitions (not the default one), by name; none on DuckDB. */
  static List<String> partitions(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    if (!applies(c)) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        """
        SELECT k.relname FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class k ON k.oid = i.inhrelid
        JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ? AND p.relnamespace = pg_catalog.to_regnamespace(pg_catalog.current_schema())::oid
          AND k.relname <> ?""")) {
      ps.setString(1, PARENT);
      ps.setString(2, DEFAULT);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String name(LocalDate day) {
    return PARENT + "_" + DAY.format(day);
  }

  private static long start(LocalDate day) {
    return day.toEpochDay() * 86_400_000_000L;
  }

  /**
   * A day's partition. Rows of that day already in the default partition move into it first: PostgreSQL refuses a
   * partition whose range the default partition holds rows of.
   */
  private static void create(Connection c, LocalDate day) throws SQLException {
    String name = name(day);
    long from = start(day), to = start(day.plusDays(1));
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + name + " (LIKE " + PARENT + " INCLUDING DEFAULTS)");
      s.execute("WITH moved AS (DELETE FROM " + DEFAULT + " WHERE end_us >= " + from + " AND end_us < " + to
          + " RETURNING *) INSERT INTO " + name + " SELECT * FROM moved");
      s.execute("ALTER TABLE " + PARENT + " ATTACH PARTITION " + name + " FOR VALUES FROM (" + from + ") TO (" + to
          + ")");
    }
  }
}
