package dev.earlybird.source.postgres;

import dev.earlybird.model.Counters;
import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.StatementKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Reads the probe ({@link StatementQueries#probe}) against the entries as last read: an entry the probe shows
 * unchanged ({@link ChangeRule}) keeps its last counters, every other one (changed, new, or never read) is to be read
 * whole.
 *
 * @param unchanged entries carried over, with the counters last read
 * @param changed keys whose counters must be read
 * @param hidden the hidden entries, as the full read would sum them
 */
record EntryProbe(Map<StatementKey, Counters> unchanged, List<StatementKey> changed, HiddenEntries hidden) {

  /** Entries the probe saw (hidden ones apart). */
  int entries() {
    return unchanged.size() + changed.size();
  }

  static EntryProbe read(ResultSet rs, String target, Map<StatementKey, Counters> last, boolean joinsKcache)
      throws SQLException {
    var unchanged = HashMap.<StatementKey, Counters>newHashMap(last.size() + last.size() / 8 + 16);
    var changed = new ArrayList<StatementKey>();
    var hidden = new HiddenSums();
    long lastSinceMicros = Long.MIN_VALUE;
    Instant lastSince = null;
    while (rs.next()) {
      long dbId = rs.getLong(StatementQueries.PROBE_DBID);
      long userId = rs.getLong(StatementQueries.PROBE_USERID);
      boolean toplevel = rs.getBoolean(StatementQueries.PROBE_TOPLEVEL);
      var queryIds = new TextArray(rs.getString(StatementQueries.PROBE_QUERYIDS));
      var calls = new TextArray(rs.getString(StatementQueries.PROBE_CALLS));
      var plans = new TextArray(rs.getString(StatementQueries.PROBE_PLANS));
      String sinceText = rs.getString(StatementQueries.PROBE_SINCE_MICROS);
      var sinces = new TextArray(sinceText);
      var execs = new TextArray(rs.getString(StatementQueries.PROBE_EXEC_MS));
      var planTimes = new TextArray(rs.getString(StatementQueries.PROBE_PLAN_MS));
      var cpus = new TextArray(rs.getString(StatementQueries.PROBE_CPU_MS));
      while (queryIds.hasNext()) {
        var key = new StatementKey(target, dbId, userId, queryIds.nextLong(), toplevel);
        long c = calls.nextLong();
        long p = plans.nextLong();
        Instant since = null;
        double execMs = Double.NaN;
        double planMs = Double.NaN;
        if (sinceText != null) {
          long micros = sinces.nextLong();
          if (micros != lastSinceMicros) {
            lastSinceMicros = micros;
            lastSince = CounterRows.instantOfMicros(micros);
          }
          since = lastSince;
        } else {
          execMs = execs.nextDouble();
          planMs = planTimes.nextDouble();
        }
        OptionalDouble cpuMs = null;
        if (joinsKcache) {
          cpuMs = cpus.nextIsNull() ? OptionalDouble.empty() : OptionalDouble.of(cpus.nextDouble());
        }
        Counters before = last.get(key);
        if (before != null && ChangeRule.unchanged(before, c, p, since, execMs, planMs, cpuMs)) {
          unchanged.put(key, before);
        } else {
          changed.add(key);
        }
      }
      var hiddenCalls = new TextArray(rs.getString(StatementQueries.PROBE_HIDDEN_CALLS));
      var hiddenExec = new TextArray(rs.getString(StatementQueries.PROBE_HIDDEN_EXEC_MS));
      while (hiddenCalls.hasNext()) {
        hidden.add(dbId, userId, toplevel, hiddenCalls.nextLong(), hiddenExec.nextDouble());
      }
    }
    return new EntryProbe(unchanged, changed, hidden.result());
  }
}
