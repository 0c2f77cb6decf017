package dev.earlybird.history;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The persisted last snapshot of each target. A steady-state poll changes a few percent of the entries, so
 * only changed, new and vanished entries are written: their old rows are deleted by key and the new rows
 * appended (prepared upserts run at ~1,000 rows/s in DuckDB; this costs a few milliseconds).
 */
final class SnapshotTable {
  /** Above this share of entries to touch, replacing all rows of the target is cheaper than by key. */
  private static final double REWRITE_SHARE = 0.5;

  private SnapshotTable() {}

  /** Writes {@code next} given the committed {@code previous} (null: the target has no stored snapshot). */
  static void persist(DuckDBConnection c, Snapshot previous, Snapshot next) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO last_snapshot (target, taken_at_us, stats_reset_us, dealloc) VALUES (?, ?, ?, ?)
            ON CONFLICT (target) DO UPDATE SET taken_at_us = excluded.taken_at_us,
              stats_reset_us = excluded.stats_reset_us, dealloc = excluded.dealloc""")) {
      ps.setString(1, next.target());
      ps.setLong(2, Columns.micros(next.takenAt()));
      setNullableLong(ps, 3, next.statsReset().map(Columns::micros).orElse(null));
      setNullableLong(ps, 4, next.dealloc().isPresent() ? next.dealloc().getAsLong() : null);
      ps.executeUpdate();
    }
    Map<StatementKey, Counters> old = previous == null ? Map.of() : previous.entries();
    List<StatementKey> remove = new ArrayList<>();
    List<Map.Entry<StatementKey, Counters>> add = new ArrayList<>();
    for (var e : next.entries().entrySet()) {
      Counters before = old.get(e.getKey());
      if (before == null) {
        add.add(e);
      } else if (!before.equals(e.getValue())) {
        remove.add(e.getKey());
        add.add(e);
      }
    }
    for (StatementKey k : old.keySet()) {
      if (!next.entries().containsKey(k)) {
        remove.add(k);
      }
    }
    if (previous == null || remove.size() > REWRITE_SHARE * Math.max(1, next.entries().size())) {
      deleteAll(c, next.target());
      add = new ArrayList<>(next.entries().entrySet());
    } else if (!remove.isEmpty()) {
      deleteKeys(c, next.target(), remove);
    }
    if (!add.isEmpty()) {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "last_snapshot_entry")) {
        for (var e : add) {
          appendEntry(a, e.getKey(), e.getValue());
        }
      }
    }
  }

  private static void deleteAll(Connection c, String target) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM last_snapshot_entry WHERE target = ?")) {
      ps.setString(1, target);
      ps.executeUpdate();
    }
  }

  /** One DELETE joined with a VALUES list; the list holds only numbers and booleans formatted here. */
  private static void deleteKeys(Connection c, String target, List<StatementKey> keys) throws SQLException {
    StringBuilder values = new StringBuilder(keys.size() * 48);
    for (StatementKey k : keys) {
      if (!values.isEmpty()) {
        values.append(',');
      }
      values.append('(').append(k.dbId()).append(',').append(k.userId()).append(',').append(k.queryId());
      values.append(',').append(k.toplevel()).append(')');
    }
    String sql =
        """
        DELETE FROM last_snapshot_entry e USING (VALUES %s) AS k(dbid, userid, queryid, toplevel)
        WHERE e.target = ? AND e.dbid = k.dbid AND e.userid = k.userid AND e.queryid = k.queryid
          AND e.toplevel = k.toplevel"""
            .formatted(values);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, target);
      ps.executeUpdate();
    }
  }

  private static void appendEntry(DuckDBAppender a, StatementKey k, Counters x) throws SQLException {
    a.beginRow();
    a.append(k.target()).append(k.dbId()).append(k.userId()).append(k.queryId()).append(k.toplevel());
    a.append(x.calls()).append(x.rows()).append(x.sharedBlksHit()).append(x.sharedBlksRead());
    a.append(x.sharedBlksDirtied()).append(x.sharedBlksWritten()).append(x.localBlksHit()).append(x.localBlksRead());
    a.append(x.tempBlksRead()).append(x.tempBlksWritten()).append(x.plans()).append(x.walRecords());
    a.append(x.walFpi()).append(x.walBytes());
    a.append(x.totalExecMs()).append(x.meanExecMs()).append(x.stddevExecMs()).append(x.blkReadTimeMs());
    a.append(x.blkWriteTimeMs()).append(x.tempBlkReadTimeMs()).append(x.tempBlkWriteTimeMs());
    a.append(x.totalPlanMs()).append(x.jitTotalMs());
    a.append(x.statsSince() == null ? null : (Long) Columns.micros(x.statsSince()));
    a.endRow();
  }

  static Optional<Snapshot> load(Connection c, String target) throws SQLException {
    Snapshot head;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT taken_at_us, stats_reset_us, dealloc FROM last_snapshot WHERE target = ?")) {
      ps.setString(1, target);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long reset = rs.getLong(2);
        Optional<java.time.Instant> statsReset = rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(reset));
        long dealloc = rs.getLong(3);
        OptionalLong deallocs = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(dealloc);
        head = new Snapshot(target, Columns.instant(rs.getLong(1)), statsReset, deallocs, Map.of());
      }
    }
    Map<StatementKey, Counters> entries = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM last_snapshot_entry WHERE target = ?")) {
      ps.setString(1, target);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var key =
              new StatementKey(
                  target, rs.getLong("dbid"), rs.getLong("userid"), rs.getLong("queryid"), rs.getBoolean("toplevel"));
          long since = rs.getLong("stats_since_us");
          var statsSince = rs.wasNull() ? null : Columns.instant(since);
          var counters =
              new Counters(
                  rs.getLong("calls"), rs.getDouble("total_exec_ms"), rs.getDouble("mean_exec_ms"),
                  rs.getDouble("stddev_exec_ms"), rs.getLong("rows"), rs.getLong("shared_blks_hit"),
                  rs.getLong("shared_blks_read"), rs.getLong("shared_blks_dirtied"), rs.getLong("shared_blks_written"),
                  rs.getLong("local_blks_hit"), rs.getLong("local_blks_read"), rs.getLong("temp_blks_read"),
                  rs.getLong("temp_blks_written"), rs.getDouble("blk_read_time_ms"), rs.getDouble("blk_write_time_ms"),
                  rs.getDouble("temp_blk_read_time_ms"), rs.getDouble("temp_blk_write_time_ms"), rs.getLong("plans"),
                  rs.getDouble("total_plan_ms"), rs.getLong("wal_records"), rs.getLong("wal_fpi"),
                  rs.getLong("wal_bytes"), rs.getDouble("jit_total_ms"), statsSince);
          if (entries.put(key, counters) != null) {
            throw new HistoryException("last snapshot of " + target + " holds " + key + " twice");
          }
        }
      }
    }
    return Optional.of(new Snapshot(target, head.takenAt(), head.statsReset(), head.dealloc(), entries));
  }

  static void setNullableLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
