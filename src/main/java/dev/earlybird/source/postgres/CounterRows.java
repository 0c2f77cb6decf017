package dev.earlybird.source.postgres;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
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
  private static final Counter[] COUNTERS = Counter.values();

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
            rs.getBoolean(StatementQueries.TOPLEVEL), rs.getLong(StatementQueries.column(Counter.CALLS)),
            rs.getDouble(StatementQueries.column(Counter.EXEC_MS)));
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
      var counters = counters(rs, since);
      entries.put(key, counters);
    }
    return new Read(entries, hidden.result());
  }

  /** One row's counters, in the order the counter query selects them. */
  private static Counters counters(ResultSet rs, Instant since) throws SQLException {
    var v = new CounterValues.Builder();
    for (Counter c : COUNTERS) {
      int column = StatementQueries.column(c);
      if (c.pgssColumn() == null) {
        continue; // derived: its inputs are read below
      }
      if (c.kind() == Counter.Kind.LONG) {
        v.set(c, rs.getLong(column));
      } else {
        v.set(c, rs.getDouble(column));
      }
    }
    int meanStddev = StatementQueries.column(Counter.EXEC_SUMSQ_MS);
    int tempIo = StatementQueries.column(Counter.TEMP_IO_MS);
    return new Counters(v.build(), rs.getDouble(meanStddev), rs.getDouble(meanStddev + 1), rs.getDouble(tempIo),
        rs.getDouble(tempIo + 1), since, cpuMs(rs));
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
