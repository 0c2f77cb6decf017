package dev.earlybird.e2e;

import static dev.earlybird.testing.aws.FakeCloudWatch.CLUSTER;
import static dev.earlybird.testing.aws.FakeCloudWatch.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.aws.FakeCloudWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudWatch end to end: the real jar polls a real PostgreSQL target whose {@code aws:} link points at the
 * CloudWatch fake, and a user finds the instance's and its cluster's metrics on {@code /metrics} in base units;
 * {@code check} says whether CloudWatch is readable. The agent gets static test credentials and no instance
 * metadata, so nothing can reach AWS.
 */
class CloudWatchIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Map<String, String> NO_REAL_AWS = Map.of(
      "AWS_ACCESS_KEY_ID", "AKID",
      "AWS_SECRET_ACCESS_KEY", "SECRET",
      "AWS_EC2_METADATA_DISABLED", "true",
      "AWS_CONFIG_FILE", "/nonexistent/earlybird-it/config",
      "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/earlybird-it/credentials");

  FakeCloudWatch fake;

  @BeforeEach
  void start() {
    fake = FakeCloudWatch.start(Duration.ofMinutes(1));
    // Four hours of one-minute datapoints around now (and a little ahead, so check's window is always full).
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    for (Instant t = now.minus(Duration.ofHours(4)); t.isBefore(now.plus(Duration.ofMinutes(30))); t = t.plusSeconds(60)) {
      fake.put(INSTANCE, "db-it", "CPUUtilization", t, 37.5);
      fake.put(INSTANCE, "db-it", "FreeableMemory", t, 3.2e9);
      fake.put(INSTANCE, "db-it", "DBLoad", t, 0.75);
      fake.put(INSTANCE, "db-it", "DBLoadCPU", t, 0.5);
      fake.put(INSTANCE, "db-it", "ReadIOPS", t, 250);
      fake.put(INSTANCE, "db-it", "WriteIOPS", t, 80);
      fake.put(INSTANCE, "db-it", "DatabaseConnections", t, 12);
      fake.put(CLUSTER, "aurora-it", "CPUUtilization", t, 45);
      // No DBLoadNonCPU: all the load is CPU, and CloudWatch publishes nothing for the rest.
    }
  }

  @AfterEach
  void stop() {
    fake.close();
    assertThat(fake.problems()).as("requests CloudWatch would reject").isEmpty();
  }

  static OptionalDouble value(String metrics, String name, String... labels) {
    return metrics.lines()
        .filter(l -> l.startsWith(name + "{") && List.of(labels).stream().allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst();
  }

  @Test
  void theAgentShowsCloudWatchMetricsInBaseUnitsAndCheckSaysWhetherItIsReadable(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(17);
    int port = AgentProcess.freePort();
    Path cfg = dir.resolve("earlybird.yml");
    Files.writeString(cfg, """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 2s }
        aws:
          cloudwatch: { interval: 2s, period: 1m, delay: 0s }
        targets:
          - name: rds1
            url: "%s"
            user: postgres
            aws:
              region: us-east-1
              dbInstanceIdentifier: db-it
              dbClusterIdentifier: aurora-it
              endpoint: "%s"
        """.formatted(port, dir.resolve("history.duckdb"), pg.jdbcUrl("postgres"), fake.endpoint()));

    try (AgentProcess agent = AgentProcess.start(
        List.of("run", "--config", cfg.toString()), port, dir.resolve("agent.log"), TIMEOUT, NO_REAL_AWS)) {
      await("CloudWatch metrics on /metrics").atMost(TIMEOUT).pollInterval(Duration.ofMillis(250))
          .until(() -> agent.get("/metrics").contains("earlybird_cloudwatch_cpu_utilization_ratio{"));
      String metrics = agent.get("/metrics");

      String instance = "scope=\"instance\"";
      String rds1 = "target=\"rds1\"";
      assertThat(value(metrics, "earlybird_cloudwatch_cpu_utilization_ratio", instance, rds1)).hasValue(0.375);
      assertThat(value(metrics, "earlybird_cloudwatch_cpu_utilization_ratio", "scope=\"cluster\"", rds1)).hasValue(0.45);
      assertThat(value(metrics, "earlybird_cloudwatch_freeable_memory_bytes", instance, rds1)).hasValue(3.2e9);
      assertThat(value(metrics, "earlybird_cloudwatch_db_load", "kind=\"all\"", rds1)).hasValue(0.75);
      assertThat(value(metrics, "earlybird_cloudwatch_db_load", "kind=\"cpu\"", rds1)).hasValue(0.5);
      assertThat(value(metrics, "earlybird_cloudwatch_db_load", "kind=\"non_cpu\"")).as("no data is not 0").isEmpty();
      assertThat(value(metrics, "earlybird_cloudwatch_read_iops", instance, rds1)).hasValue(250);
      assertThat(value(metrics, "earlybird_cloudwatch_write_iops", instance, rds1)).hasValue(80);
      assertThat(value(metrics, "earlybird_cloudwatch_database_connections", instance, rds1)).hasValue(12);
      assertThat(metrics).contains("# TYPE earlybird_cloudwatch_cpu_utilization_ratio gauge");
      // Every reason's series exists from the start; none has counted an error.
      assertThat(metrics).contains("earlybird_poll_errors_total{reason=\"permission\",source=\"cloudwatch\"")
          .doesNotContainPattern("earlybird_poll_errors_total\\{[^}]*source=\"cloudwatch\"[^}]*\\} [1-9]");
      await("the PostgreSQL poll").atMost(TIMEOUT)
          .until(() -> value(agent.get("/metrics"), "earlybird_target_up", rds1).orElse(0) == 1);

      // The first window reached 3 hours back, in one batched call; later ones start where the last ended.
      FakeCloudWatch.Request first = fake.requests().getFirst();
      assertThat(Duration.between(first.start(), first.end())).isEqualTo(Duration.ofHours(3));
      assertThat(first.queries()).hasSize(8 + 5);
      List<FakeCloudWatch.Request> calls = fake.requests();
      for (int i = 1; i < calls.size(); i++) {
        assertThat(calls.get(i).start()).as("window %d never re-reads the one before", i)
            .isEqualTo(calls.get(i - 1).end());
      }
      assertThat(agent.log()).contains("CloudWatch: reading 1 target(s)").doesNotContain("CloudWatch read failed");
    }

    AgentProcess.Result ok = AgentProcess.runToEnd(TIMEOUT, NO_REAL_AWS, "check", "--config", cfg.toString());
    assertThat(ok.output()).contains("PASS cloudwatch readable: readable, 15 datapoints");
    assertThat(ok.exitCode()).as(ok.output()).isZero();

    fake.denyAccess(true);
    AgentProcess.Result denied = AgentProcess.runToEnd(TIMEOUT, NO_REAL_AWS, "check", "--config", cfg.toString());
    assertThat(denied.exitCode()).isEqualTo(1);
    assertThat(denied.output())
        .contains("FAIL cloudwatch readable", "access denied for cloudwatch:GetMetricData")
        .contains("fix: Grant the agent's AWS identity", "cloudwatch:GetMetricData");
  }
}
