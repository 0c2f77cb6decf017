package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.aws.FakeCloudWatch;
import dev.earlybird.testing.aws.FakePi;
import dev.earlybird.testing.aws.FakeRds;
import dev.earlybird.testing.aws.FakeRds.Instance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent jar with a {@code discovery:} section against the fake RDS, whose one instance is a real PostgreSQL:
 * the agent finds it, logs in with IAM tokens (the test server trusts the role, so any token works), polls it and
 * lists it as discovered; when the instance is gone from RDS it is no longer polled, listed or exported, and its
 * history stays. AWS credentials come from the environment, the SDK's default chain, as in production; nothing
 * leaves 127.0.0.1.
 */
class DiscoveryIT {
  private static final String TARGET = "disc-pg";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** Static keys and no profile or instance metadata: the SDK never looks beyond the environment. */
  private static final Map<String, String> AWS_ENV = Map.of(
      "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "never-logged-secret",
      "AWS_REGION", "us-east-1", "AWS_EC2_METADATA_DISABLED", "true",
      "AWS_CONFIG_FILE", "/nonexistent/aws-config", "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");

  private static String config(int port, Path store, FakeRds rds, FakePi pi, FakeCloudWatch cloudWatch) {
    return """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 1s }
        discovery:
          regions: [us-east-1]
          # Discovered targets are read from PI and CloudWatch too: all three services are local fakes.
          endpoints: { rds: "%s", pi: "%s", cloudwatch: "%s" }
          tags: { earlybird: "on" }
          refresh: 1s
          template:
            name: "{identifier}"
            user: postgres
            iamAuth: true
            params: sslmode=disable      # the test server has no TLS; production keeps the default (require)
            databases: { include: ["^discovery_it$"] }
        """.formatted(port, store, rds.endpoint(), pi.endpoint(), cloudWatch.endpoint());
  }

  private static Optional<JsonNode> target(AgentProcess agent) throws Exception {
    for (JsonNode t : agent.json("/api/v1/targets")) {
      if (t.get("name").asText().equals(TARGET)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private static void workload(PgServer pg) throws Exception {
    try (Connection c = pg.superuser("discovery_it"); Statement s = c.createStatement()) {
      for (int i = 0; i < 20; i++) {
        s.execute("SELECT count(*) FROM pg_class WHERE relpages >= " + i);
      }
    }
  }

  @Test
  void discoversPollsAndForgetsAnInstance(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    pg.createDatabase("discovery_it");
    try (FakeRds rds = FakeRds.start(); FakePi pi = new FakePi();
        FakeCloudWatch cloudWatch = FakeCloudWatch.start(Duration.ofMinutes(1))) {
      rds.instances(Instance.postgres(TARGET, "127.0.0.1", pg.port()).tag("earlybird", "on"),
          Instance.postgres("not-tagged", "127.0.0.1", 1));
      Path cfg = dir.resolve("earlybird.yml");
      int port = AgentProcess.freePort();
      Files.writeString(cfg, config(port, dir.resolve("history.duckdb"), rds, pi, cloudWatch));

      AgentProcess.Result check = AgentProcess.runToEnd(TIMEOUT, AWS_ENV, "check", "--config", cfg.toString());
      assertThat(check.output()).contains("discovery: ok", "PASS us-east-1: 1 matching instance(s)",
          "target disc-pg: ok", "WARN IAM auth token: made for postgres", "sslmode=disable in the URL lets it "
              + "travel without TLS").doesNotContain("not-tagged");
      assertThat(check.exitCode()).as(check.output()).isZero();

      Path log = dir.resolve("agent.log");
      Instant start = Instant.now().minusSeconds(60);
      try (AgentProcess agent = AgentProcess.start(List.of("run", "--config", cfg.toString()), port, log,
          TIMEOUT, AWS_ENV)) {
        // Discovered before polling began: listed as soon as the agent is ready.
        JsonNode listed = target(agent).orElseThrow();
        assertThat(listed.get("discovered").asBoolean()).isTrue();
        assertThat(listed.get("aws").get("region").asText()).isEqualTo("us-east-1");
        assertThat(listed.get("aws").get("dbiResourceId").asText()).isEqualTo("db-DISCPGRESID");
        assertThat(listed.get("aws").get("dbInstanceIdentifier").asText()).isEqualTo(TARGET);

        await("discovered target polled").atMost(TIMEOUT).until(() -> target(agent)
            .map(t -> t.get("up").asBoolean() && t.get("statements").asInt() > 0).orElse(false));
        workload(pg);
        await("the workload in the history").atMost(TIMEOUT).until(() -> agent.json(
            "/api/v1/hot-queries?target=" + TARGET + "&from=" + start + "&to=" + Instant.now().plusSeconds(3600))
            .get("queries").size() > 0);
        assertThat(agent.get("/metrics")).contains("earlybird_target_up{target=\"disc-pg\"} 1",
            "earlybird_discovered_targets{region=\"us-east-1\"} 1");

        rds.instances(Instance.postgres("not-tagged", "127.0.0.1", 1));
        await("target gone after the next refresh").atMost(Duration.ofSeconds(20))
            .until(() -> target(agent).isEmpty());
        await("its series gone").atMost(Duration.ofSeconds(5))
            .until(() -> !agent.get("/metrics").contains("target=\"disc-pg\""));
        assertThat(agent.get("/metrics")).contains("earlybird_discovered_targets{region=\"us-east-1\"} 0");
        JsonNode kept = agent.json("/api/v1/hot-queries?target=" + TARGET + "&from=" + start + "&to="
            + Instant.now().plusSeconds(3600));
        assertThat(kept.get("queries").size()).as("history of a removed target stays").isPositive();
        assertThat(agent.stop()).isIn(0, 143);
      }
      String logText = Files.readString(log);
      assertThat(logText).contains("target disc-pg discovered", "target disc-pg is gone from RDS discovery")
          .doesNotContain("never-logged-secret").doesNotContain("X-Amz-Signature");
      assertThat(rds.requests()).allSatisfy(r -> assertThat(r.region()).isEqualTo("us-east-1"));
    }
  }
}
