package dev.earlybird.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.model.Period;
import dev.earlybird.model.PiShare;
import dev.earlybird.model.PiStatementLoad;
import dev.earlybird.model.PiWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** SQL of the Performance Insights tables (schema 6): store a window, read CPU, waits and PI-only digests. */
final class PiTables {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Double>> WAITS = new TypeReference<>() {};

  /**
   * PI figures count for a read window when PI windows inside it cover at least this fraction of it (and all
   * but at most one PI window at each edge): an unaligned window loses its partial edge windows, and a bigger
   * gap would undercount without saying so.
   */
  static final double MIN_COVERAGE = 0.95;

  private PiTables() {}

  /** Stores a window and its rows; false (and nothing written) when the window was stored before. */
  static boolean record(Connection c, PiWindow w, List<PiShare> shares, Instant readAt) throws SQLException {
    long from = Columns.micros(w.period().from()), to = Columns.micros(w.period().to());
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO pi_window (target, start_us, end_us, statements_complete, read_at_us) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, w.target());
      ps.setLong(2, from);
      ps.setLong(3, to);
      ps.setBoolean(4, w.statementsComplete());
      ps.setLong(5, Columns.micros(readAt));
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO pi_statement VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (PiStatementLoad s : w.statements()) {
        int i = window(ps, w.target(), from, to);
        ps.setString(i++, s.tokenizedId());
        ps.setString(i++, s.dbId());
        ps.setString(i++, s.statement());
        ps.setDouble(i++, s.loadMs());
        ps.setDouble(i++, s.cpuMs());
        ps.setString(i++, json(s.waitMs()));
        optional(ps, i++, s.callsPerSec());
        optional(ps, i++, s.latencyMs());
        optional(ps, i, s.rowsPerCall());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO pi_share VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (PiShare s : shares) {
        int i = window(ps, w.target(), from, to);
        ps.setString(i++, s.tokenizedId());
        ps.setLong(i++, s.dbId());
        ps.setLong(i++, s.queryId());
        ps.setString(i++, s.method());
        ps.setDouble(i++, s.share());
        ps.setDouble(i++, s.cpuMs());
        ps.setDouble(i, s.loadMs());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO pi_database VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (PiWindow.PiDatabaseLoad d : w.databases()) {
        int i = window(ps, w.target(), from, to);
        ps.setString(i++, d.database());
        ps.setDouble(i++, d.loadMs());
        ps.setDouble(i++, d.waitMs().getOrDefault(PiStatementLoad.CPU, 0.0));
        ps.setString(i, json(d.waitMs()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO pi_point VALUES (?, ?, ?, ?)")) {
      for (PiWindow.PiPoint p : w.timeline()) {
        ps.setString(1, w.target());
        ps.setLong(2, Columns.micros(p.at()));
        ps.setString(3, p.waitType());
        ps.setDouble(4, p.averageActiveSessions());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return true;
  }

  private static int window(PreparedStatement ps, String target, long from, long to) throws SQLException {
    ps.setString(1, target);
    ps.setLong(2, from);
    ps.setLong(3, to);
    return 4;
  }

  private static void optional(PreparedStatement ps, int i, OptionalDouble v) throws SQLException {
    if (v.isPresent()) {
      ps.setDouble(i, v.getAsDouble());
    } else {
      ps.setNull(i, Types.DOUBLE);
    }
  }

  /**
   * The entries a PI window's digests can join to: those with the given queryids (every known one, even without
   * calls in the window: PI also sees statements still running), and with {@code withTexts} every entry with a
   * text. Execution time is summed over the intervals overlapping the window.
   */
  static List<StatementActivity> joinCandidates(Connection c, String target, Period window,
      Collection<Long> queryIds, boolean withTexts) throws SQLException {
    if (queryIds.isEmpty() && !withTexts) {
      return List.of();
    }
    String ids = queryIds.stream().map(String::valueOf).collect(Collectors.joining(", ")); // numbers: safe inline
    String keyFilter = withTexts ? "" : "AND queryid IN (" + ids + ")";
    String sql =
        """
        WITH act AS (
          SELECT dbid, queryid, sum(exec_ms) AS exec_ms FROM statement_interval
          WHERE target = ? AND end_us > ? AND start_us < ? %1$s GROUP BY dbid, queryid),
        keys AS (
          SELECT dbid, queryid FROM statement_text WHERE target = ? %1$s
          UNION SELECT dbid, queryid FROM act)
        SELECT k.dbid, k.queryid, coalesce(a.exec_ms, 0), %2$s
        FROM keys k LEFT JOIN act a ON a.dbid = k.dbid AND a.queryid = k.queryid
        LEFT JOIN statement_text x ON x.target = ? AND x.dbid = k.dbid AND x.queryid = k.queryid"""
            .formatted(keyFilter, withTexts ? "substr(x.query, 1, 2000)" : "NULL");
    List<StatementActivity> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, target);
      ps.setLong(2, Columns.micros(window.from()));
      ps.setLong(3, Columns.micros(window.to()));
      ps.setString(4, target);
      ps.setString(5, target);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new StatementActivity(rs.getLong(1), rs.getLong(2), Math.max(0, rs.getDouble(3)), rs.getString(4)));
        }
      }
    }
    return out;
  }

  static Optional<Instant> lastWindowEnd(Connection c, String target) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT max(end_us) FROM pi_window WHERE target = ?")) {
      ps.setString(1, target);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(v));
      }
    }
  }

  /**
   * The PI windows of the read window, per target, as a CTE {@code pw} plus {@code cover} (whether they cover it
   * well enough and how many are partial, i.e. top-N lists where absence says nothing).
   *
   * <p>Coverage is judged over the part of the read window in which the target was polled ({@code first_poll_us}
   * to {@code last_poll_us}), and only PI windows in that part count: a day's window on an agent's first day is
   * covered by the hours it ran, not failed for the hours before it existed, and PI load from before the first
   * poll is not added to statements whose execution time starts there.
   */
  private static final String COVER =
      """
      pw AS (
        SELECT w.target, w.start_us, w.end_us, w.statements_complete,
               greatest(CAST(? AS BIGINT), coalesce(t.first_poll_us, 0)) AS from_us,
               least(CAST(? AS BIGINT), coalesce(t.last_poll_us, CAST(? AS BIGINT))) AS to_us
        FROM pi_window w LEFT JOIN target t ON t.name = w.target
        WHERE w.start_us >= greatest(CAST(? AS BIGINT), coalesce(t.first_poll_us, 0)) AND w.end_us <= ?),
      cover AS (
        SELECT target, count(*) FILTER (WHERE NOT statements_complete) AS partial
        FROM pw GROUP BY target
        HAVING sum(end_us - start_us) >= ceil(CAST(? AS DOUBLE PRECISION) * (max(to_us) - max(from_us)))
           AND sum(end_us - start_us) >= max(to_us) - max(from_us) - 2 * max(end_us - start_us))""";

  static int bindCpu(PreparedStatement ps, int i, Period window) throws SQLException {
    long from = Columns.micros(window.from()), to = Columns.micros(window.to());
    ps.setLong(i++, from);
    ps.setLong(i++, to);
    ps.setLong(i++, to);
    ps.setLong(i++, from);
    ps.setLong(i++, to);
    ps.setDouble(i++, MIN_COVERAGE);
    return i;
  }

  /**
   * The CTEs {@code pw}, {@code cover} and {@code name} (target, dbid, queryid, pi_cpu_ms): PI's CPU time of each
   * statement over the read window where it is known: the PI windows cover the polled part of the read window,
   * and the statement is in every partial (top-N) PI window (absent from a complete one, it had no load). Bind
   * with {@link #bindCpu}.
   */
  static String cpuCtes(String name) {
    return COVER + ",\n" +
        """
        %s AS (
          SELECT s.target, s.dbid, s.queryid, s.pi_cpu_ms FROM (
            SELECT p.target, p.dbid, p.queryid, greatest(sum(p.cpu_ms), 0) AS pi_cpu_ms,
                   count(DISTINCT p.start_us) FILTER (WHERE NOT pw.statements_complete) AS partial_present
            FROM pi_share p JOIN pw ON pw.target = p.target AND pw.start_us = p.start_us
            WHERE p.method <> 'none'
            GROUP BY p.target, p.dbid, p.queryid) s
          JOIN cover ON cover.target = s.target
          WHERE s.partial_present = cover.partial)""".formatted(name);
  }

  /** PI's CPU time of each given statement over the window, where it is known (see {@link #cpuCtes}). */
  static Map<StatementRef, Double> cpu(Connection c, Period window, Collection<StatementRef> refs)
      throws SQLException {
    Map<StatementRef, Double> out = new HashMap<>();
    if (refs.isEmpty()) {
      return out;
    }
    java.util.Set<String> targets = refs.stream().map(StatementRef::target).collect(Collectors.toSet());
    String sql = "WITH " + cpuCtes("pi") + "\nSELECT target, dbid, queryid, pi_cpu_ms FROM pi WHERE target IN ("
        + targets.stream().map(t -> "?").collect(Collectors.joining(", ")) + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = bindCpu(ps, 1, window);
      for (String t : targets) {
        ps.setString(i++, t);
      }
      java.util.Set<StatementRef> wanted = new java.util.HashSet<>(refs);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StatementRef ref = new StatementRef(rs.getString(1), rs.getLong(2), rs.getLong(3));
          if (wanted.contains(ref)) {
            out.put(ref, rs.getDouble(4));
          }
        }
      }
    }
    return out;
  }

  /**
   * One statement's PI load over a window, by wait event type, with the digests and join methods behind it, in total
   * and per PI window.
   */
  static Optional<PiStatementWaits> waits(Connection c, StatementRef ref, Period window) throws SQLException {
    String sql =
        """
        SELECT p.tokenized_id, p.method, p.share, p.load_ms, p.cpu_ms, s.waits, p.start_us, p.end_us
        FROM pi_share p JOIN pi_statement s
          ON s.target = p.target AND s.start_us = p.start_us AND s.tokenized_id = p.tokenized_id
        WHERE p.target = ? AND p.dbid = ? AND p.queryid = ? AND p.start_us >= ? AND p.end_us <= ?
          AND p.method <> 'none'
        ORDER BY p.start_us""";
    Map<String, Double> waits = new TreeMap<>();
    // Per PI window (by its start): its end and its waits, the window's digests summed.
    Map<Long, Long> ends = new TreeMap<>();
    Map<Long, Map<String, Double>> perWindow = new TreeMap<>();
    java.util.Set<String> digests = new java.util.TreeSet<>();
    java.util.Set<String> methods = new java.util.TreeSet<>();
    double load = 0, cpu = 0;
    int windows = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, ref.target());
      ps.setLong(2, ref.dbId());
      ps.setLong(3, ref.queryId());
      ps.setLong(4, Columns.micros(window.from()));
      ps.setLong(5, Columns.micros(window.to()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          windows++;
          digests.add(rs.getString(1));
          methods.add(rs.getString(2));
          double share = rs.getDouble(3);
          load += rs.getDouble(4);
          cpu += rs.getDouble(5);
          long start = rs.getLong(7);
          ends.put(start, rs.getLong(8));
          Map<String, Double> these = perWindow.computeIfAbsent(start, k -> new TreeMap<>());
          parse(rs.getString(6)).forEach((type, ms) -> {
            waits.merge(type, ms * share, Double::sum);
            these.merge(type, ms * share, Double::sum);
          });
        }
      }
    }
    List<PiStatementWaits.Window> timeline = new ArrayList<>();
    perWindow.forEach((start, w) -> timeline.add(
        new PiStatementWaits.Window(Columns.instant(start), Columns.instant(ends.get(start)), w)));
    return windows == 0 ? Optional.empty()
        : Optional.of(new PiStatementWaits(List.copyOf(digests), List.copyOf(methods), windows, load, cpu, waits,
            timeline));
  }

  /** Digests that joined to no pg_stat_statements entry, summed over the PI windows inside the read window. */
  static List<PiOnlyRow> piOnly(Connection c, Period window, Optional<String> target) throws SQLException {
    String sql =
        """
        SELECT s.target, s.tokenized_id, min(s.db_id), min(s.statement), sum(s.load_ms), sum(s.cpu_ms),
               sum(s.calls_per_sec * (s.end_us - s.start_us) / 1e6), count(s.calls_per_sec),
               sum(s.latency_ms * s.calls_per_sec * (s.end_us - s.start_us) / 1e6), count(*)
        FROM pi_statement s JOIN pi_share p
          ON p.target = s.target AND p.start_us = s.start_us AND p.tokenized_id = s.tokenized_id
        WHERE p.method = 'none' AND s.start_us >= ? AND s.end_us <= ? %s
        GROUP BY s.target, s.tokenized_id"""
            .formatted(target.isPresent() ? "AND s.target = ?" : "");
    List<PiOnlyRow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, Columns.micros(window.from()));
      ps.setLong(2, Columns.micros(window.to()));
      if (target.isPresent()) {
        ps.setString(3, target.get());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int windows = rs.getInt(10);
          boolean callsKnown = rs.getInt(8) == windows;
          double calls = rs.getDouble(7);
          out.add(new PiOnlyRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              Math.max(0, rs.getDouble(5)), Math.max(0, rs.getDouble(6)),
              callsKnown ? OptionalDouble.of(Math.max(0, calls)) : OptionalDouble.empty(),
              callsKnown && calls > 0 ? OptionalDouble.of(Math.max(0, rs.getDouble(9) / calls))
                  : OptionalDouble.empty()));
        }
      }
    }
    return out;
  }

  /** Load per database over the PI windows inside a read window, heaviest first. */
  static List<PiWindow.PiDatabaseLoad> databases(Connection c, String target, Period window) throws SQLException {
    Map<String, Map<String, Double>> waits = new HashMap<>();
    Map<String, Double> load = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT database, load_ms, waits FROM pi_database WHERE target = ? AND start_us >= ? AND end_us <= ?")) {
      ps.setString(1, target);
      ps.setLong(2, Columns.micros(window.from()));
      ps.setLong(3, Columns.micros(window.to()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String db = rs.getString(1);
          load.merge(db, Math.max(0, rs.getDouble(2)), Double::sum);
          Map<String, Double> w = waits.computeIfAbsent(db, k -> new TreeMap<>());
          parse(rs.getString(3)).forEach((type, ms) -> w.merge(type, ms, Double::sum));
        }
      }
    }
    return load.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> new PiWindow.PiDatabaseLoad(e.getKey(), e.getValue(), waits.get(e.getKey())))
        .toList();
  }

  /** The target's load timeline by wait event type, for the API. */
  static List<PiWindow.PiPoint> timeline(Connection c, String target, Period window) throws SQLException {
    List<PiWindow.PiPoint> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT at_us, wait_type, aas FROM pi_point WHERE target = ? AND at_us > ? AND at_us <= ?"
            + " ORDER BY at_us, wait_type")) {
      ps.setString(1, target);
      ps.setLong(2, Columns.micros(window.from()));
      ps.setLong(3, Columns.micros(window.to()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new PiWindow.PiPoint(Columns.instant(rs.getLong(1)), rs.getString(2), rs.getDouble(3)));
        }
      }
    }
    return out;
  }

  static void purge(Connection c, long cutoffUs) throws SQLException {
    for (String table : List.of("pi_statement", "pi_share", "pi_database", "pi_window")) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE end_us <= ?")) {
        ps.setLong(1, cutoffUs);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM pi_point WHERE at_us <= ?")) {
      ps.setLong(1, cutoffUs);
      ps.executeUpdate();
    }
  }

  private static String json(Map<String, Double> waits) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(waits));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Double> parse(String json) {
    try {
      return json == null ? Map.of() : JSON.readValue(json, WAITS);
    } catch (JsonProcessingException e) {
      return Map.of(); // written by this class; an unreadable value is skipped, not fatal for a read
    }
  }
}
