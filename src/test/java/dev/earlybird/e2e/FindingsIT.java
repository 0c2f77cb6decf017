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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression findings end to end, with the real jar and a real PostgreSQL: an index dropped in one tenant
 * is found (and only there: a volume surge in another tenant at the same per-call cost is not), survives a
 * kill -9 of the agent without being forgotten or duplicated, and resolves once the index is back. Windows of
 * 5 s, a 20 s rolling baseline, polls every second: the contract's "configurable down to seconds". The ratio
 * threshold is 4 (the dropped index makes the lookup two orders of magnitude slower): on a two-core machine running
 * the seq scans, the agent and its restart, the indexed lookups of the other tenants wait for CPU and can measure
 * 1.5-2x slower per call for a few windows, which is real but not what this test is about.
 */
class FindingsIT {
  static PgServer pg;
  static final List<String> TENANTS = List.of("tenant_slow", "tenant_busy", "tenant_calm");

  @BeforeAll
  static void servers() throws Exception {
    pg = PostgresServers.dedicated(17, Map.of());
    TenantLoad.create(pg, TENANTS);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
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
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
        analysis:
          hot: { top: 10, findings: 1 }
          baseline: { mode: rolling, lookback: 20s }
          regression: { window: 5s, minCalls: 20, minRatio: 4, minExtraPerHour: 1s, persistence: 2, resolveAfter: 2 }
        """
        .formatted(port, store, pg.jdbcUrl("postgres"));
  }

  static List<JsonNode> findings(AgentProcess agent, String query) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    agent.json("/api/v1/findings?" + query).get("findings").forEach(out::add);
    return out;
  }

  @Test
  void anIndexDroppedInOneTenantIsARegressionThatSurvivesARestartAndResolvesWhenFixed(@TempDir Path dir)
      throws Exception {
    int port = AgentProcess.freePort();
    Path configFile = dir.resolve("earlybird.yml");
    Files.writeString(configFile, config(port, dir.resolve("store.duckdb")));
    try (TenantLoad load = new TenantLoad(pg, TENANTS)) {
      AgentProcess agent = AgentProcess.run(configFile, port, dir.resolve("agent.log"));
      try {
        // A baseline longer than the lookback (20 s) plus the gap before a streak (one window), then the change.
        java.time.Instant started = java.time.Instant.now();
        await("baseline filled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> agent.json("/api/v1/targets").get(0).get("up").asBoolean()
                && Duration.between(started, java.time.Instant.now()).toSeconds() >= 30);
        pg.execute("tenant_slow", "DROP INDEX items_k_idx");
        load.busyFactor.set(4);

        await("regression found").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> !findings(agent, "kind=regression&state=active").isEmpty());
        List<JsonNode> active = findings(agent, "kind=regression&state=active");
        assertThat(active).singleElement().satisfies(f -> {
          assertThat(f.get("database").asText()).isEqualTo("tenant_slow");
          assertThat(f.get("tenant").asText()).isEqualTo("slow");
          assertThat(f.get("query").asText()).isEqualTo("SELECT count(*) FROM items WHERE k = $1");
          assertThat(f.get("evidence").get("ratio").asDouble()).isGreaterThan(4);
          assertThat(f.get("evidence").get("pValue").asDouble()).isLessThan(0.01);
          assertThat(f.get("evidence").get("afterCalls").asLong()).isGreaterThanOrEqualTo(20);
          assertThat(f.get("summary").asText()).contains("slower per call");
        });
        String id = active.get(0).get("id").asText();

        // kill -9 and restart: the finding is still there, once.
        agent.kill();
        AgentProcess restarted = AgentProcess.run(configFile, port, dir.resolve("agent2.log"));
        try {
          assertThat(findings(restarted, "kind=regression")).extracting(f -> f.get("id").asText()).containsExactly(id);
          await("a few windows after the restart").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
              .until(() -> evaluations(restarted) >= 3);
          List<JsonNode> after = findings(restarted, "kind=regression");
          assertThat(after).as("regressions a few windows after the restart: %s", describe(after))
              .extracting(f -> f.get("id").asText()).containsExactly(id);
          assertThat(findings(restarted, "kind=regression&state=active")).hasSize(1);
          // The surge in tenant_busy (4x the calls at the same cost per call) is no regression.
          assertThat(findings(restarted, "")).noneMatch(f -> f.get("kind").asText().equals("regression")
              && !f.get("database").asText().equals("tenant_slow"));

          pg.execute("tenant_slow", "CREATE INDEX items_k_idx ON items (k)");
          await("resolved once fixed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
              .until(() -> findings(restarted, "kind=regression&state=resolved").size() == 1);
          JsonNode resolved = findings(restarted, "kind=regression&state=resolved").get(0);
          assertThat(resolved.get("id").asText()).isEqualTo(id);
          assertThat(resolved.get("resolvedAt").isNull()).isFalse();
          assertThat(restarted.get("/metrics")).contains("earlybird_findings_active{kind=\"regression\"");
        } finally {
          restarted.close();
        }
      } finally {
        agent.close();
      }
    }
  }

  /** Database, query and ratio of each finding, so a failure says which statement regressed and by how much. */
  private static String describe(List<JsonNode> findings) {
    return findings.stream()
        .map(f -> f.get("id").asText() + " " + f.get("database").asText() + " \"" + f.get("query").asText()
            + "\" ratio " + f.get("evidence").get("ratio").asText())
        .toList()
        .toString();
  }

  private static int evaluations(AgentProcess agent) throws Exception {
    for (String line : agent.get("/metrics").split("\n")) {
      // Windows this agent process evaluated.
      if (line.startsWith("earlybird_analysis_evaluations_total ")) {
        return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return 0;
  }
}
