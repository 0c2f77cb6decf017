package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Advice from a statement's own counters, end to end with the real jar on a real PostgreSQL: a sort that spills to
 * temp files gets a narrow work_mem, a loop of one-row lookups is an N+1, a many-table join that plans longer than
 * it runs gets planning advice (with track_planning on), and an indexed lookup returning its 20 rows, whose planning
 * is cheap, gets none.
 */
class AdviceIT {
  static PgServer pg;
  static final String SPILL = "SELECT k, v FROM items ORDER BY v DESC, k OFFSET $1 LIMIT 1";
  static final String LOOKUP = "SELECT k FROM items WHERE k = $1 LIMIT 1";
  static final String CONTROL = "SELECT k, v FROM items WHERE k = $1";
  static final String PLANNING;

  static {
    StringBuilder sql = new StringBuilder("SELECT t1.a FROM one t1");
    for (int i = 2; i <= 11; i++) {
      sql.append(" JOIN one t").append(i).append(" ON t").append(i).append(".a = t").append(i - 1).append(".a");
    }
    PLANNING = sql.append(" WHERE t1.a = ?").toString();
  }

  @BeforeAll
  static void servers() throws Exception {
    pg = PostgresServers.dedicated(17, Map.of("pg_stat_statements.track_planning", "on"));
    pg.createDatabase("tenant_shop");
    try (Connection c = pg.superuser("tenant_shop"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (k int NOT NULL, v text NOT NULL)");
      // 20 rows per key: the control lookup returns them all, the N+1 lookup only one.
      s.execute("INSERT INTO items SELECT g % 2000, md5(g::text) || repeat('x', 100) FROM generate_series(1, 40000) g");
      s.execute("CREATE INDEX items_k_idx ON items (k)");
      s.execute("CREATE TABLE one (a int PRIMARY KEY)");
      s.execute("INSERT INTO one VALUES (1)");
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /** Runs {@code sql} with a random int parameter in a loop on its own connection; {@code pauseMs} between calls. */
  static Thread loop(AtomicBoolean running, String sql, String setting, int bound, long pauseMs) {
    return Thread.ofPlatform().daemon().start(() -> {
      Random r = new Random(sql.hashCode());
      while (running.get()) {
        try (Connection c = pg.superuser("tenant_shop")) {
          if (setting != null) {
            try (Statement s = c.createStatement()) {
              s.execute(setting);
            }
          }
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            // A new plan each call: the driver would otherwise switch to a server-side prepared statement.
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            while (running.get()) {
              ps.setInt(1, 1 + r.nextInt(bound));
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  rs.getInt(1);
                }
              }
              if (pauseMs > 0) {
                LockSupport.parkNanos(Duration.ofMillis(pauseMs).toNanos());
              }
            }
          }
        } catch (SQLException e) {
          LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
      }
    });
  }

  static String config(int port, Path store) {
    return """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 2s }
        targets:
          - name: pg
            url: "%s"
            user: postgres
            databases: { include: ["^tenant_"] }
        analysis:
          hot: { top: 10, findings: 0 }
          baseline: { mode: rolling, lookback: 20s }
          regression: { window: 5s, minCalls: 20, minRatio: 1.5, minExtraPerHour: 1s, persistence: 2, resolveAfter: 2 }
        """.formatted(port, store, pg.jdbcUrl("postgres"));
  }

  static List<JsonNode> advice(AgentProcess agent) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    agent.json("/api/v1/findings?kind=advice&state=active").get("findings").forEach(out::add);
    return out;
  }

  static List<String> rulesFor(List<JsonNode> advice, String query) {
    return advice.stream().filter(f -> f.path("query").asText().startsWith(query))
        .map(f -> f.get("evidence").get("rule").asText()).sorted().toList();
  }

  @Test
  void spillsLoopsAndPlanningGetAdviceAndAPlainLookupDoesNot(@TempDir Path dir) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> load = List.of(
        loop(running, SPILL.replace("$1", "?"), "SET work_mem = '64kB'", 1000, 20),
        loop(running, LOOKUP.replace("$1", "?"), null, 2000, 0),
        loop(running, CONTROL.replace("$1", "?"), null, 2000, 5),
        loop(running, PLANNING, null, 1, 2));
    int port = AgentProcess.freePort();
    Path configFile = dir.resolve("earlybird.yml");
    Files.writeString(configFile, config(port, dir.resolve("store.duckdb")));
    try (AgentProcess agent = AgentProcess.run(configFile, port, dir.resolve("agent.log"))) {
      await("advice for the spill, the loop and the planning").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            List<JsonNode> a = advice(agent);
            return rulesFor(a, "SELECT k, v FROM items ORDER BY").contains("temp_spill")
                && rulesFor(a, "SELECT k FROM items WHERE k").contains("n_plus_one")
                && rulesFor(a, "SELECT t1.a FROM one t1").contains("planning_time");
          });
      List<JsonNode> a = advice(agent);
      assertThat(rulesFor(a, "SELECT k, v FROM items WHERE k")).as("a lookup returning its rows").isEmpty();
      assertThat(rulesFor(a, "SELECT k, v FROM items ORDER BY")).doesNotContain("n_plus_one");
      JsonNode spill = a.stream().filter(f -> f.get("evidence").get("rule").asText().equals("temp_spill"))
          .findFirst().orElseThrow();
      assertThat(spill.get("severity").asText()).isEqualTo("info");
      assertThat(spill.get("tenant").asText()).isEqualTo("shop");
      assertThat(spill.get("evidence").get("numbers").get("tempMbPerCall").asDouble()).isGreaterThanOrEqualTo(1);
      assertThat(spill.get("evidence").get("advice").asText()).contains("SET LOCAL work_mem");
      JsonNode planning = a.stream().filter(f -> f.get("evidence").get("rule").asText().equals("planning_time"))
          .findFirst().orElseThrow();
      JsonNode n = planning.get("evidence").get("numbers");
      assertThat(n.get("planMsPerPlan").asDouble()).isGreaterThan(n.get("execMsPerCall").asDouble());
    } finally {
      running.set(false);
      for (Thread t : load) {
        t.join(5000);
      }
    }
  }
}
