package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The e2e tests' exact-count pattern, run continuously: one marker statement executed round after round in every
 * database from a thread of its own, every call counted here, then compared with the server's pg_stat_statements
 * and with the calls the agent's history holds.
 */
final class MarkerLoad implements AutoCloseable {
  static final String SQL = "SELECT v FROM marker_t WHERE id = ?";

  private final PgServer pg;
  private final List<String> dbs;
  private final Map<String, Long> counted = new ConcurrentHashMap<>();
  private volatile boolean running;
  private Thread thread;

  MarkerLoad(PgServer pg, Collection<String> dbs) {
    this.pg = pg;
    this.dbs = List.copyOf(dbs);
  }

  static void prepare(PgServer pg, String db) {
    pg.execute(db, "CREATE TABLE marker_t (id int PRIMARY KEY, v text)",
        "INSERT INTO marker_t SELECT g, 'v' || g FROM generate_series(1, 100) g");
  }

  void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("marker").start(this::loop);
  }

  private void loop() {
    List<Connection> conns = new ArrayList<>();
    try {
      List<PreparedStatement> ps = new ArrayList<>();
      for (String db : dbs) {
        Connection c = pg.superuser(db);
        conns.add(c);
        ps.add(c.prepareStatement(SQL));
      }
      for (int n = 0; running; n++) {
        for (int i = 0; i < dbs.size(); i++) {
          ps.get(i).setInt(1, 1 + n % 100);
          try (ResultSet rs = ps.get(i).executeQuery()) {
            rs.next();
          }
          counted.merge(dbs.get(i), 1L, Long::sum); // counted once the server answered
        }
        Thread.sleep(100);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("marker workload failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Connection c : conns) {
        try {
          c.close();
        } catch (SQLException e) {
          // closing anyway
        }
      }
    }
  }

  void stop() throws InterruptedException {
    running = false;
    thread.join();
  }

  Map<String, Long> counted() {
    return new TreeMap<>(counted);
  }

  /** queryId of the marker per database, as the server sees it. */
  static Map<String, String> queryIds(PgServer pg) throws SQLException {
    Map<String, String> ids = new TreeMap<>();
    serverRows(pg, (db, id, calls) -> ids.put(db, Long.toString(id)));
    return ids;
  }

  /** Calls of the marker per database in the server's pg_stat_statements. */
  static Map<String, Long> serverCalls(PgServer pg) throws SQLException {
    Map<String, Long> calls = new TreeMap<>();
    serverRows(pg, (db, id, n) -> calls.merge(db, n, Long::sum));
    return calls;
  }

  private interface Row {
    void accept(String db, long queryId, long calls);
  }

  private static void serverRows(PgServer pg, Row row) throws SQLException {
    try (Connection c = pg.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("""
            SELECT d.datname, s.queryid, s.calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE s.query = 'SELECT v FROM marker_t WHERE id = $1'""")) {
      while (rs.next()) {
        row.accept(rs.getString(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  /** Calls of the marker per database in the agent's history since {@code from}, from its hot list. */
  static Map<String, Long> storedCalls(AgentJvm agent, Map<String, String> ids, Instant from) throws Exception {
    Map<String, Long> calls = new TreeMap<>();
    var hot = agent.json("/api/v1/hot-queries?limit=1000&from=" + from + "&to=" + Instant.now().plusSeconds(3600));
    for (var q : hot.get("queries")) {
      String db = q.get("database").asText();
      if (q.get("queryId").asText().equals(ids.get(db))) {
        calls.merge(db, q.get("calls").asLong(), Long::sum);
      }
    }
    return calls;
  }

  @Override
  public void close() throws InterruptedException {
    if (running) {
      stop();
    }
  }
}
