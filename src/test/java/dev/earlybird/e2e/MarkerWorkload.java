package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A workload whose every call the history must hold exactly once: one marker statement, run a known number of times in
 * each database, then counted in the server's pg_stat_statements and in the agent's hot list.
 */
final class MarkerWorkload {
  private MarkerWorkload() {}

  /** Creates the marker's table in {@code db}. */
  static void prepare(PgServer pg, String db) throws SQLException {
    try (Connection c = pg.superuser(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE marker_t (id int PRIMARY KEY, v text)");
      s.execute("INSERT INTO marker_t SELECT g, 'v' || g FROM generate_series(1, 100) g");
    }
  }

  /** Runs the marker statement {@code times} times in every one of {@code dbs}. */
  static void run(PgServer pg, Collection<String> dbs, int times) throws SQLException {
    for (String db : dbs) {
      try (Connection c = pg.superuser(db);
          PreparedStatement ps = c.prepareStatement("SELECT v FROM marker_t WHERE id = ?")) {
        for (int n = 0; n < times; n++) {
          ps.setInt(1, 1 + n % 100);
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
          }
        }
      }
    }
  }

  /** queryId of the marker statement per database, as the server sees it. */
  static Map<String, String> queryIds(PgServer pg) throws SQLException {
    Map<String, String> ids = new HashMap<>();
    try (Connection c = pg.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("""
            SELECT d.datname, s.queryid FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE s.query LIKE 'SELECT v FROM marker_t WHERE id = $1'""")) {
      while (rs.next()) {
        ids.put(rs.getString(1), Long.toString(rs.getLong(2)));
      }
    }
    return ids;
  }

  /**
   * Calls of the marker statement per database in the history, as the agent's hot list has them since {@code from}.
   *
   * @param filter query parameters narrowing the list ({@code &target=main}), or ""
   */
  static Map<String, Long> storedCalls(AgentProcess agent, Map<String, String> ids, Instant from, String filter)
      throws Exception {
    JsonNode hot = agent.json("/api/v1/hot-queries?limit=1000" + filter + "&from=" + from + "&to="
        + Instant.now().plusSeconds(3600));
    Map<String, Long> calls = new HashMap<>();
    for (JsonNode q : hot.get("queries")) {
      String db = q.get("database").asText();
      if (q.get("queryId").asText().equals(ids.get(db))) {
        calls.merge(db, q.get("calls").asLong(), Long::sum);
      }
    }
    return calls;
  }
}
