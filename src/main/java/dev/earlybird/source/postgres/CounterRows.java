package dev.earlybird.source.postgres;

import dev.earlybird.model.Counters;
import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.StatementKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Decodes the rows of a counter query ({@link StatementQueries#counters}) by column index into {@link Counters} and
 * nothing else per row; rows with a NULL queryid (other roles' statements) are summed per group as {@link
 * HiddenEntries}.
 */
final class CounterRows {
  private CounterRows() {}

  /** The entries read, and the hidden ones among the rows. */
  record Read(Map<StatementKey, Counters> entries, HiddenEntries hidden) {}

  static Read read(ResultSet rs, String target, int expectedSize) throws SQLException {
    var entries = HashMap.<StatementKey, Counters>newHashMap(expectedSize + expectedSize / 8 + 16);
    var hidden = new HiddenSums();
    // Entries of one reset epoch share stats_since: reuse the Instant instead of one per row.
    long lastSinceMicros = Long.MIN_VALUE;
    Instant lastSince = null;
    while (rs.next()) {
      long queryId = rs.getLong(StatementQueries.QUERYID);
      if (rs.wasNull()) {
        hidden.add(rs.getLong(StatementQueries.DBID), rs.getLong(StatementQueries.USERID),
            rs.getBoolean(StatementQueries.TOPLEVEL), rs.getLong(StatementQueries.CALLS),
            rs.getDouble(StatementQueries.TOTAL_EXEC));
        continue;
      }
      Instant since = null;
      long sinceMicros = rs.getLong(StatementQueries.STATS_SINCE_MICROS);
      if (!rs.wasNull()) {
        if (sinceMicros != lastSinceMicros) {
          lastSinceMicros = sinceMicros;
          lastSince = instantOfMicros(sinceMicros);
        }
        since = lastSince;
      }
      var key =
          new StatementKey(
              target,
              rs.getLong(StatementQueries.DBID),
              rs.getLong(StatementQueries.USERID),
              queryId,
              rs.getBoolean(StatementQueries.TOPLEVEL));
      var counters =
          new Counters(
              rs.getLong(StatementQueries.CALLS),
              rs.getDouble(StatementQueries.TOTAL_EXEC),
              rs.getDouble(StatementQueries.MEAN_EXEC),
              rs.getDouble(StatementQueries.STDDEV_EXEC),
              rs.getLong(StatementQueries.ROWS),
              rs.getLong(StatementQueries.SHARED_HIT),
              rs.getLong(StatementQueries.SHARED_READ),
              rs.getLong(StatementQueries.SHARED_DIRTIED),
              rs.getLong(StatementQueries.SHARED_WRITTEN),
              rs.getLong(StatementQueries.LOCAL_HIT),
              rs.getLong(StatementQueries.LOCAL_READ),
              rs.getLong(StatementQueries.TEMP_READ),
              rs.getLong(StatementQueries.TEMP_WRITTEN),
              rs.getDouble(StatementQueries.BLK_READ_TIME),
              rs.getDouble(StatementQueries.BLK_WRITE_TIME),
              rs.getDouble(StatementQueries.TEMP_READ_TIME),
              rs.getDouble(StatementQueries.TEMP_WRITE_TIME),
              rs.getLong(StatementQueries.PLANS),
              rs.getDouble(StatementQueries.TOTAL_PLAN),
              rs.getLong(StatementQueries.WAL_RECORDS),
              rs.getLong(StatementQueries.WAL_FPI),
              rs.getLong(StatementQueries.WAL_BYTES),
              rs.getDouble(StatementQueries.JIT_TOTAL),
              since,
              cpuMs(rs));
      entries.put(key, counters);
    }
    return new Read(entries, hidden.result());
  }

  /** {@code stats_since} as the counter query sends it: microseconds since the epoch. */
  static Instant instantOfMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** NULL (no kcache entry, or no kcache join) is unknown, never 0. */
  private static OptionalDouble cpuMs(ResultSet rs) throws SQLException {
    double ms = rs.getDouble(StatementQueries.KCACHE_CPU_MS);
    return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(ms);
  }
}
