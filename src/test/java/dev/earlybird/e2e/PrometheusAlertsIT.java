package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules in a real Prometheus (Debian's package), scraping the real agent jar, which polls two real
 * PostgreSQL servers: {@code healthy} keeps running, {@code doomed} (with {@code track_io_timing} off) is stopped
 * mid-test. What an operator would see in Prometheus: {@code EarlybirdTargetDown} firing for {@code doomed} only,
 * with its labels and annotations.
 *
 * <p>The rules Prometheus loads are the shipped files with every {@code for:} cut to {@value #FOR}: the production
 * durations are minutes, and the test must finish in well under a minute. Only {@code for:} differs: the copy is made
 * by changing that one field of the parsed files (see {@link AlertRules#withFor}) and compared with the originals
 * below, so the expressions, labels and annotations are exactly the shipped ones.
 */
class PrometheusAlertsIT {
  static final String FOR = "5s";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir static Path dir;
  static PgServer healthy;
  static PgServer doomed;
  static AgentProcess agent;
  static Process prometheus;
  static int prometheusPort;
  static int agentPort;

  /** A failed test prints the ends of Prometheus' and the agent's logs: the temporary directory is deleted after. */
  @RegisterExtension
  static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      for (String log : List.of("prometheus.log", "agent.log")) {
        try {
          List<String> lines = Files.readAllLines(dir.resolve(log));
          System.out.printf("---- last lines of %s ----%n%s%n", log,
              String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
        } catch (IOException | RuntimeException e) {
          System.out.println("---- no " + log + ": " + e);
        }
      }
    }
  };

  @BeforeAll
  static void start() throws Exception {
    Path promtool = AlertRules.tool("promtool", "prometheus");
    Path prometheusBinary = AlertRules.tool("prometheus", "prometheus");

    healthy = PostgresServers.shared(PostgresVersions.newest());
    // PostgreSQL's default (off) instead of the harness' track_io_timing=on
    doomed = PostgresServers.dedicated(PostgresVersions.newest(), Map.of("track_io_timing", ""));

    agentPort = AgentProcess.freePort();
    Path config = dir.resolve("earlybird.yml");
    Files.writeString(config, """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 2s, timeout: 1500ms, textRefresh: 10s }
        targets:
          - name: healthy
            url: "%s"
            user: postgres
          - name: doomed
            url: "%s"
            user: postgres
        """.formatted(agentPort, dir.resolve("history.duckdb"), healthy.jdbcUrl("postgres"), doomed.jdbcUrl("postgres")));
    agent = AgentProcess.run(config, agentPort, dir.resolve("agent.log"));

    Path rules = Files.createDirectories(dir.resolve("rules"));
    for (Path shipped : AlertRules.ruleFiles()) {
      Files.writeString(rules.resolve(shipped.getFileName()), AlertRules.withFor(shipped, FOR));
    }
    prometheusPort = AgentProcess.freePort();
    Path prometheusConfig = dir.resolve("prometheus.yml");
    Files.writeString(prometheusConfig, """
        global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
        rule_files: ["%s/*.yml"]
        scrape_configs:
          - job_name: earlybird
            static_configs: [{ targets: ["127.0.0.1:%d"] }]
        """.formatted(rules, agentPort));
    AlertRules.Run check = AlertRules.run(dir, 60, List.of(promtool.toString(), "check", "config", prometheusConfig.toString()));
    assertThat(check.exitCode()).as("promtool check config:%n%s", check.output()).isZero();

    prometheus = new ProcessBuilder(
            prometheusBinary.toString(),
            "--config.file=" + prometheusConfig,
            "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
            "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
    await("Prometheus ready on port " + prometheusPort)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .failFast("prometheus exited; see its log in " + dir.resolve("prometheus.log"), () -> !prometheus.isAlive())
        .until(() -> status("/-/ready") == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor();
      }
    }
    if (agent != null) {
      agent.close();
    }
    if (doomed != null) {
      doomed.close();
    }
  }

  @Test
  void prometheusRunsTheShippedRules() throws Exception {
    for (Path shipped : AlertRules.ruleFiles()) {
      JsonNode loaded = AlertRules.YAML.readTree(Files.readString(dir.resolve("rules").resolve(shipped.getFileName())));
      assertThat(withoutFor(loaded)).as("%s: only for: may differ from the shipped file", shipped.getFileName())
          .isEqualTo(withoutFor(AlertRules.read(shipped)));
    }
    List<String> shippedNames = AlertRules.alerts().stream().map(a -> a.path("alert").asText()).toList();

    await("every shipped alert loaded and evaluated without error")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> {
          List<String> loaded = new ArrayList<>();
          for (JsonNode group : api("/api/v1/rules").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
              loaded.add(rule.path("name").asText());
              assertThat(rule.path("health").asText()).as("%s: %s", rule.path("name").asText(), rule.path("lastError"))
                  .isEqualTo("ok");
              assertThat(rule.path("duration").asDouble()).as("for: of %s", rule.path("name").asText()).isEqualTo(5.0);
            }
          }
          assertThat(loaded).containsExactlyInAnyOrderElementsOf(shippedNames);
        });

    // The series the collection rules read, under the names the agent really exports (histogram suffix included).
    for (String metric : List.of("earlybird_target_up", "earlybird_target_track_io_timing",
        "earlybird_poll_duration_seconds_count", "earlybird_statements_deallocated_total")) {
      await(metric + " scraped from the agent")
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(query(metric)).containsKey("healthy"));
    }
  }

  @Test
  void targetDownFiresForTheStoppedServerAndOnlyForIt() throws Exception {
    await("Prometheus sees both targets up")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(query("earlybird_target_up")).containsEntry("healthy", "1").containsEntry("doomed", "1"));
    assertThat(query("earlybird_target_track_io_timing"))
        .as("track_io_timing as the agent read it from each server")
        .containsEntry("healthy", "1")
        .containsEntry("doomed", "0");

    // Both up for longer than for: no target-down alert, not even pending.
    await("no EarlybirdTargetDown while both servers run")
        .during(Duration.ofSeconds(7))
        .atMost(Duration.ofSeconds(20))
        .until(() -> alerts("EarlybirdTargetDown").isEmpty());
    // The same rules do fire where they should: track_io_timing is off on doomed.
    await("EarlybirdTrackIoTimingOff firing for doomed")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(alerts("EarlybirdTrackIoTimingOff"))
            .extracting(a -> a.path("labels").path("target").asText() + " " + a.path("state").asText())
            .containsExactly("doomed firing"));

    doomed.stop();

    await("EarlybirdTargetDown firing for doomed")
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(() -> assertThat(alerts("EarlybirdTargetDown"))
            .filteredOn(a -> a.path("state").asText().equals("firing"))
            .hasSize(1));
    List<JsonNode> down = alerts("EarlybirdTargetDown");
    assertThat(down).as("EarlybirdTargetDown alerts (pending or firing); healthy must not be among them").hasSize(1);
    JsonNode alert = down.get(0);
    assertThat(alert.path("state").asText()).isEqualTo("firing");
    assertThat(labels(alert.path("labels"))).isEqualTo(Map.of(
        "alertname", "EarlybirdTargetDown",
        "job", "earlybird",
        "instance", "127.0.0.1:" + agentPort,
        "severity", "critical",
        "target", "doomed"));
    assertThat(alert.path("annotations").path("summary").asText())
        .isEqualTo("Earlybird cannot poll PostgreSQL target doomed");
    assertThat(alert.path("annotations").path("description").asText())
        .startsWith("Every poll of pg_stat_statements on target doomed by agent 127.0.0.1:" + agentPort + " has failed")
        .contains("earlybird_poll_errors_total{target=\"doomed\"}");
    assertThat(alert.path("annotations").path("runbook_url").asText())
        .isEqualTo(AlertRules.RUNBOOKS + "#earlybirdtargetdown");
    assertThat(query("earlybird_target_up")).containsEntry("healthy", "1").containsEntry("doomed", "0");
  }

  private static JsonNode withoutFor(JsonNode rules) {
    JsonNode copy = rules.deepCopy();
    copy.path("groups").forEach(g -> g.path("rules").forEach(r -> ((ObjectNode) r).remove("for")));
    return copy;
  }

  /** Alerts of {@code name} Prometheus holds now, pending or firing. */
  private static List<JsonNode> alerts(String name) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : api("/api/v1/alerts").path("data").path("alerts")) {
      if (a.path("labels").path("alertname").asText().equals(name)) {
        out.add(a);
      }
    }
    return out;
  }

  /** Instant query of a per-target metric: value by {@code target} label. */
  private static Map<String, String> query(String promql) throws Exception {
    Map<String, String> byTarget = new HashMap<>();
    JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data");
    for (JsonNode r : data.path("result")) {
      byTarget.put(r.path("metric").path("target").asText(), r.path("value").get(1).asText());
    }
    return byTarget;
  }

  private static Map<String, String> labels(JsonNode labels) {
    Map<String, String> m = new HashMap<>();
    labels.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  private static JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("Prometheus GET " + path + " -> " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static int status(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }
}
