package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.history.StoreKind;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent end to end, as a user runs it: the real jar, a real server with many databases, kill -9 at an
 * arbitrary moment, a restart, a database server restart, and targets that fail next to one that works.
 * The acceptance: the history holds exactly the calls the workload made, none lost, none counted twice; on the
 * embedded store and on a PostgreSQL store.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class AgentRunIT {
  @Parameter StoreKind kind;
  static final int DATABASES = 30;
  static PgServer pg;

  @BeforeAll
  static void servers() throws Exception {
    pg = PostgresServers.dedicated(16, Map.of());
    for (int i = 0; i < DATABASES; i++) {
      String db = "tenant_t" + i;
      pg.createDatabase(db);
      MarkerWorkload.prepare(pg, db);
    }
    pg.createDatabase("scratch_excluded");
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static String config(int port, String store, int deadPort) {
    return """
        listen: "127.0.0.1:%d"
        store: "%s"
        poll: { interval: 2s, textRefresh: 2s }
        targets:
          - name: main
            url: "%s"
            user: postgres
            databases: { exclude: ["^template", "^scratch"] }
          - name: refused
            url: "jdbc:postgresql://127.0.0.1:%d/postgres"
            user: postgres
          - name: nodns
            url: "jdbc:postgresql://no-such-host.invalid:5432/postgres"
            user: postgres
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
        """
        .formatted(port, store, pg.jdbcUrl("postgres"), deadPort);
  }

  private static void workload(int times) throws SQLException {
    MarkerWorkload.run(pg, IntStream.range(0, DATABASES).mapToObj(i -> "tenant_t" + i).toList(), times);
  }

  private static Map<String, String> markerQueryIds() throws SQLException {
    return MarkerWorkload.queryIds(pg);
  }

  private static Map<String, Long> storedMarkerCalls(AgentProcess agent, Map<String, String> ids, Instant from)
      throws Exception {
    return MarkerWorkload.storedCalls(agent, ids, from, "&target=main");
  }

  private static Instant lastPoll(AgentProcess agent) throws Exception {
    for (JsonNode t : agent.json("/api/v1/targets")) {
      if (t.get("name").asText().equals("main") && !t.get("lastPollAt").isNull()) {
        return Instant.parse(t.get("lastPollAt").asText());
      }
    }
    return Instant.EPOCH;
  }

  private static void awaitPollsAfter(AgentProcess agent, Instant after, int polls) {
    await("poll of 'main' after " + after)
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastPoll(agent).isAfter(after.plusSeconds(2L * (polls - 1))));
  }

  @Test
  void historyIsExactAcrossKillRestartAndServerRestart(@TempDir Path dir) throws Exception {
    String store = kind == StoreKind.DUCKDB ? "duckdb:" + kind.locator(dir) : kind.locator(dir);
    Path cfg = dir.resolve("earlybird.yml");
    int port = AgentProcess.freePort();
    Files.writeString(cfg, config(port, store, AgentProcess.freePort()));
    Path log = dir.resolve("agent.log");
    Instant start = Instant.now().minusSeconds(60);
    List<String> dbs = IntStream.range(0, DATABASES).mapToObj(i -> "tenant_t" + i).toList();

    AgentProcess first = AgentProcess.run(cfg, port, log);
    AgentProcess agent = first;
    try {
      awaitPollsAfter(first, Instant.EPOCH, 1);
      workload(7); // phase 1: seen by a live agent
      Map<String, String> ids = markerQueryIds();
      assertThat(ids).containsOnlyKeys(dbs);
      await("phase 1 stored").atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(storedMarkerCalls(first, ids, start)).hasSize(DATABASES).allSatisfy((db, n) -> assertThat(n).isEqualTo(7)));

      // Failing targets are reported while the good one keeps working.
      JsonNode targets = agent.json("/api/v1/targets");
      assertThat(targets.findValuesAsText("name")).containsExactly("main", "nodns", "refused");
      for (JsonNode t : targets) {
        if (!t.get("name").asText().equals("main")) {
          assertThat(t.get("up").asBoolean()).isFalse();
          assertThat(t.get("lastError").asText()).isNotBlank();
        }
      }
      String metrics = agent.get("/metrics");
      assertThat(metrics)
          .contains("earlybird_target_up{target=\"main\"} 1")
          .contains("earlybird_target_up{target=\"refused\"} 0")
          .containsPattern("earlybird_poll_errors_total\\{[^}]*reason=\"connect\"[^}]*target=\"refused\"")
          .containsPattern("earlybird_poll_errors_total\\{[^}]*reason=\"dns\"[^}]*target=\"nodns\"")
          .containsPattern("earlybird_database_calls_total\\{database=\"tenant_t3\",target=\"main\",tenant=\"t3\"} [1-9]")
          .doesNotContain("scratch_excluded")
          .doesNotContain("marker_t");

      workload(5); // phase 2: the agent is killed right after, maybe mid-poll
      agent.kill();
      workload(3); // phase 3: nobody is watching
      agent = AgentProcess.run(cfg, port, log);
      workload(2); // phase 4: the restarted agent
      AgentProcess restarted = agent;
      await("all phases stored exactly once").atMost(Duration.ofSeconds(40))
          .untilAsserted(() -> assertThat(storedMarkerCalls(restarted, ids, start)).hasSize(DATABASES).allSatisfy((db, n) -> assertThat(n).isEqualTo(17)));

      // The database server restarts (pg_stat_statements keeps its counters across a clean restart).
      pg.stop();
      await("target down").atMost(Duration.ofSeconds(30))
          .until(() -> restarted.get("/metrics").contains("earlybird_target_up{target=\"main\"} 0"));
      assertThat(restarted.get("/metrics")).containsPattern("earlybird_poll_errors_total\\{[^}]*reason=\"connect\"[^}]*target=\"main\"");
      pg.start();
      await("target back").atMost(Duration.ofSeconds(60))
          .until(() -> restarted.get("/metrics").contains("earlybird_target_up{target=\"main\"} 1"));
      workload(1);
      await("after server restart").atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(storedMarkerCalls(restarted, ids, start)).allSatisfy((db, n) -> assertThat(n).isEqualTo(18)));
      Instant now = lastPoll(restarted);
      awaitPollsAfter(restarted, now, 2);
      assertThat(storedMarkerCalls(restarted, ids, start)).hasSize(DATABASES).allSatisfy((db, n) -> assertThat(n).isEqualTo(18));

      // The command line's report next to the running agent: a PostgreSQL store is read directly, a DuckDB file (held
      // by the agent) through the agent.
      AgentProcess.Separate report = AgentProcess.runApart(Duration.ofSeconds(60), "report", "--format", "json",
          "--target", "main", "--from", start.toString(), "--config", cfg.toString());
      assertThat(report.exitCode()).as(report.err()).isZero();
      if (kind == StoreKind.POSTGRES) {
        assertThat(report.err()).doesNotContain("asking the running agent");
      } else {
        assertThat(report.err()).contains("asking the running agent");
      }
      long reported = 0;
      for (JsonNode q : new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.out()).get("queries")) {
        if (q.get("queryId").asText().equals(ids.get(q.get("database").asText()))) {
          reported += q.get("calls").asLong();
        }
      }
      assertThat(reported).as("the marker's calls in every database, as the report has them").isEqualTo(18L * DATABASES);

      assertThat(restarted.stop()).isIn(0, 143);
      assertThat(restarted.log()).doesNotContain("Exception in thread");
    } finally {
      agent.close();
    }
  }
}
