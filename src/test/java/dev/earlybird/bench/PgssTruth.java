package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The ground truth, read from pg_stat_statements itself (not through the agent): cumulative calls and
 * execution time per (database, queryid), summed over users and nesting levels as the agent's findings are.
 * Two snapshots give a period's per-call mean; two periods give a statement's true per-call ratio.
 */
final class PgssTruth {
  record Key(String database, long queryId) {}

  record Sums(long calls, double execMs, long tempBlocksWritten, String label) {}

  /** Cumulative counters at one instant. */
  record Snapshot(Instant at, Map<Key, Sums> entries) {
    /** Calls and time between {@code earlier} and this snapshot, per statement that ran in between. */
    Map<Key, Sums> since(Snapshot earlier) {
      Map<Key, Sums> out = new HashMap<>();
      entries.forEach((k, s) -> {
        Sums e = earlier.entries().get(k);
        long calls = s.calls() - (e == null ? 0 : e.calls());
        double ms = s.execMs() - (e == null ? 0 : e.execMs());
        long temp = s.tempBlocksWritten() - (e == null ? 0 : e.tempBlocksWritten());
        if (calls > 0) {
          out.put(k, new Sums(calls, ms, temp, s.label()));
        }
      });
      return out;
    }
  }

  /** What one statement did in two periods. */
  record Change(Sums before, Duration beforeLength, Sums after, Duration afterLength) {
    double perCallRatio() {
      if (before == null || after == null || before.calls() == 0 || after.calls() == 0) {
        return Double.NaN;
      }
      return (after.execMs() / after.calls()) / (before.execMs() / before.calls());
    }

    /** Calls per second after over calls per second before. */
    double volumeRatio() {
      if (before == null || after == null) {
        return Double.NaN;
      }
      return (after.calls() / (double) afterLength.toMillis()) / (before.calls() / (double) beforeLength.toMillis());
    }

    double beforeMeanMs() {
      return before == null || before.calls() == 0 ? Double.NaN : before.execMs() / before.calls();
    }

    /** Temp blocks written per call before and after, e.g. "0 -> 12 temp blocks/call". */
    String tempBlocks() {
      double b = before == null || before.calls() == 0 ? 0 : before.tempBlocksWritten() / (double) before.calls();
      double a = after == null || after.calls() == 0 ? 0 : after.tempBlocksWritten() / (double) after.calls();
      return b == 0 && a == 0 ? "" : String.format(java.util.Locale.ROOT, "; %.0f -> %.0f temp blocks/call", b, a);
    }

    double afterMeanMs() {
      return after == null || after.calls() == 0 ? Double.NaN : after.execMs() / after.calls();
    }
  }

  private PgssTruth() {}

  static Snapshot read(PgServer server) throws SQLException {
    Map<Key, Sums> entries = new HashMap<>();
    try (Connection c = server.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            """
            SELECT d.datname, p.queryid, sum(p.calls), sum(p.total_exec_time), min(p.query), sum(p.temp_blks_written)
              FROM pg_stat_statements(true) p JOIN pg_database d ON d.oid = p.dbid
             WHERE d.datname LIKE 'tenant\\_%' AND p.queryid IS NOT NULL
             GROUP BY d.datname, p.queryid""")) {
      while (rs.next()) {
        String text = rs.getString(5);
        String label = LiveFleet.labelOf(text);
        if (label == null) {
          String flat = text == null ? "?" : text.replaceAll("\\s+", " ").strip();
          label = "(unnamed) " + (flat.length() > 40 ? flat.substring(0, 40) + "..." : flat);
        }
        entries.put(new Key(rs.getString(1), rs.getLong(2)), new Sums(rs.getLong(3), rs.getDouble(4), rs.getLong(6), label));
      }
    }
    return new Snapshot(Instant.now(), entries);
  }

  /** Per statement: the period (a, b] against (c, d]. */
  static Map<Key, Change> changes(Snapshot a, Snapshot b, Snapshot c, Snapshot d) {
    Map<Key, Sums> before = b.since(a);
    Map<Key, Sums> after = d.since(c);
    Map<Key, Change> out = new HashMap<>();
    Duration bl = Duration.between(a.at(), b.at());
    Duration al = Duration.between(c.at(), d.at());
    for (Key k : before.keySet()) {
      out.put(k, new Change(before.get(k), bl, after.get(k), al));
    }
    for (Key k : after.keySet()) {
      out.putIfAbsent(k, new Change(null, bl, after.get(k), al));
    }
    return out;
  }
}
