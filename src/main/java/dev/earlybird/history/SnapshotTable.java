package dev.earlybird.history;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The persisted last snapshot of each target. A steady-state poll changes a few percent of the entries, so
 * a poll only appends rows for new/changed entries and tombstones for vanished ones (see V1__init.sql);
 * when superseded rows outnumber live ones {@link #REWRITE_FACTOR} times, the target's rows are rewritten.
 */
final class SnapshotTable {
  static final int REWRITE_FACTOR = 3;

  /** What the writer knows about a target's stored state: the snapshot, its version and row count. */
  record Stored(Snapshot snapshot, long version, long rows) {}

  private SnapshotTable() {}

  /** Writes {@code next} on top of {@code previous} (null: nothing stored) and returns the new state. */
  static Stored persist(Connection c, Stored previous, Snapshot next) throws SQLException {
    long version = previous == null ? 1 : previous.version() + 1;
    List<Map.Entry<StatementKey, Counters>> changed = new ArrayList<>();
    List<StatementKey> vanished = new ArrayList<>();
    Map<StatementKey, Counters> old = previous == null ? Map.of() : previous.snapshot().entries();
    for (var e : next.entries().entrySet()) {
      if (!e.getValue().equals(old.get(e.getKey()))) {
        changed.add(e);
      }
    }
    for (StatementKey k : old.keySet()) {
      if (!next.entries().containsKey(k)) {
        vanished.add(k);
      }
    }
    long rows = previous == null ? 0 : previous.rows();
    boolean rewrite =
        previous == null
            || rows + changed.size() + vanished.size() > (long) REWRITE_FACTOR * next.entries().size() + 1_000;
    if (rewrite) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM last_snapshot_entry WHERE target = ?")) {
        ps.setString(1, next.target());
        ps.executeUpdate();
      }
      changed = new ArrayList<>(next.entries().entrySet());
      vanished = List.of();
      rows = 0;
    }
    writeHead(c, previous == null, next, version);
    if (!changed.isEmpty() || !vanished.isEmpty()) {
      try (BulkRows a = BulkRows.into(c, "last_snapshot_entry")) {
        for (var e : changed) {
          appendEntry(a, version, false, e.getKey(), e.getValue());
        }
        Counters none = new Counters(CounterValues.ZERO, 0, 0, 0, 0, null, OptionalDouble.empty());
        for (StatementKey k : vanished) {
          appendEntry(a, version, true, k, none);
        }
      }
    }
    return new Stored(next, version, rows + changed.size() + vanished.size());
  }

  private static void writeHead(Connection c, boolean maybeAbsent, Snapshot next, long version) throws SQLException {
    int updated;
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            UPDATE last_snapshot SET version = ?, taken_at_us = ?, stats_reset_us = ?, dealloc = ?
            WHERE target = ?""")) {
      bindHead(ps, next, version);
      ps.setString(5, next.target());
      updated = ps.executeUpdate();
    }
    if (updated == 0 && maybeAbsent) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO last_snapshot (version, taken_at_us, stats_reset_us, dealloc, target) VALUES (?, ?, ?, ?, ?)")) {
        bindHead(ps, next, version);
        ps.setString(5, next.target());
        ps.executeUpdate();
      }
    } else if (updated != 1) {
      throw new HistoryException("last_snapshot holds " + updated + " rows for " + next.target() + ", expected 1");
    }
  }

  private static void bindHead(PreparedStatement ps, Snapshot s, long version) throws SQLException {
    ps.setLong(1, version);
    ps.setLong(2, Columns.micros(s.takenAt()));
    setNullableLong(ps, 3, s.statsReset().map(Columns::micros).orElse(null));
    setNullableLong(ps, 4, s.dealloc().isPresent() ? s.dealloc().getAsLong() : null);
  }

  private static void appendEntry(BulkRows a, long version, boolean vanished, StatementKey k, Counters x)
      throws SQLException {
    a.add(k.target()).add(version).add(vanished);
    a.add(k.dbId()).add(k.userId()).add(k.queryId()).add(k.toplevel());
    CounterValues v = x.values();
    // last_snapshot_entry has the counters in their order too; the derived ones are stored as what they are derived
    // from, in their place.
    for (Counter c : Counter.values()) {
      switch (c) {
        case EXEC_SUMSQ_MS -> a.add(x.meanExecMs()).add(x.stddevExecMs());
        case TEMP_IO_MS -> a.add(x.tempBlkReadTimeMs()).add(x.tempBlkWriteTimeMs());
        default -> {
          if (c.kind() == Counter.Kind.LONG) {
            a.add(v.longValue(c));
          } else {
            a.add(v.doubleValue(c));
          }
        }
      }
    }
    a.addNullable(x.statsSince() == null ? null : Columns.micros(x.statsSince()));
    if (x.cpuMs().isPresent()) {
      a.add(x.cpuMs().getAsDouble());
    } else {
      a.addNull();
    }
    a.endRow();
  }

  /** A stored entry's counters, by column name. */
  private static Counters readEntry(ResultSet rs, Instant statsSince, OptionalDouble cpuMs) throws SQLException {
    var v = new CounterValues.Builder();
    for (Counter c : Counter.values()) {
      if (c.snapshotColumn() == null) {
        continue;
      }
      if (c.kind() == Counter.Kind.LONG) {
        v.set(c, rs.getLong(c.snapshotColumn()));
      } else {
        v.set(c, rs.getDouble(c.snapshotColumn()));
      }
    }
    return new Counters(v.build(), rs.getDouble("mean_exec_ms"), rs.getDouble("stddev_exec_ms"),
        rs.getDouble("temp_blk_read_time_ms"), rs.getDouble("temp_blk_write_time_ms"), statsSince, cpuMs);
  }

  /** The stored state of a target: rows applied in version order, newest row per key wins. */
  static Optional<Stored> load(Connection c, String target) throws SQLException {
    Instant takenAt;
    Optional<Instant> statsReset;
    OptionalLong deallocs;
    long version;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT taken_at_us, stats_reset_us, dealloc, version FROM last_snapshot WHERE target = ?")) {
      ps.setString(1, target);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        takenAt = Columns.instant(rs.getLong(1));
        long reset = rs.getLong(2);
        statsReset = rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(reset));
        long dealloc = rs.getLong(3);
        deallocs = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(dealloc);
        version = rs.getLong(4);
      }
    }
    Map<StatementKey, Counters> entries = new HashMap<>();
    long rows = 0;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT * FROM last_snapshot_entry WHERE target = ? ORDER BY version")) {
      ps.setString(1, target);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
          var key =
              new StatementKey(
                  target, rs.getLong("dbid"), rs.getLong("userid"), rs.getLong("queryid"), rs.getBoolean("toplevel"));
          if (rs.getBoolean("vanished")) {
            entries.remove(key);
            continue;
          }
          long since = rs.getLong("stats_since_us");
          var statsSince = rs.wasNull() ? null : Columns.instant(since);
          double cpu = rs.getDouble("cpu_ms");
          var cpuMs = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(cpu);
          entries.put(key, readEntry(rs, statsSince, cpuMs));
        }
      }
    }
    return Optional.of(new Stored(new Snapshot(target, takenAt, statsReset, deallocs, entries), version, rows));
  }

  static void setNullableLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
