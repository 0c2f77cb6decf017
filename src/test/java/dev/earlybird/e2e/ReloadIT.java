package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the config of the real jar while it polls a real PostgreSQL, as an operator does: edit the file, then
 * {@code kill -HUP} or {@code POST /-/reload}. A target added is polled at once, a tenant's new time zone shows in the
 * API, an invalid file changes nothing (and says where it is wrong), and a target removed goes from the API and from
 * /metrics, all without a restart.
 */
class ReloadIT {
  static final String PASSWORD = "pw-reload-never-logged-5d21";
  static final String TOKEN = "reload-token-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();
  static PgServer pg;

  @BeforeAll
  static void server() {
    pg = PostgresServers.shared(17);
    pg.createDatabase("rl_one");
    pg.createDatabase("rl_two");
    pg.createLoginRole("rl_monitor", PASSWORD, "pg_read_all_stats");
  }

  @AfterAll
  static void dropRole() {
    if (pg != null) {
      pg.execute("postgres", "DROP OWNED BY rl_monitor", "DROP ROLE IF EXISTS rl_monitor");
    }
  }

  /** The config file with these targets (each watches its own database) and, if given, a zone for tenant acme. */
  static String config(int port, Path store, List<String> targets, String acmeZone) {
    StringBuilder yaml = new StringBuilder("""
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s }
        web: { token: "%s" }
        tenants:
          defaults: { timezone: UTC }
        """.formatted(port, store, TOKEN));
    if (acmeZone != null) {
      yaml.append("  overrides: { acme: { timezone: ").append(acmeZone).append(" } }\n");
    }
    yaml.append("targets:\n");
    for (String t : targets) {
      yaml.append("""
            - name: %s
              url: "jdbc:postgresql://127.0.0.1:%d/postgres"
              user: rl_monitor
              password: "%s"
              databases: { include: ["^rl_%s$"] }
          """.formatted(t, pg.port(), PASSWORD, t));
    }
    return yaml.toString();
  }

  @Test
  void sighupAndPostReloadApplyAValidConfigAndKeepTheOldOneOnAnInvalidOne(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("earlybird.yml");
    Path store = dir.resolve("store.duckdb");
    int port = AgentProcess.freePort();
    Files.writeString(cfg, config(port, store, List.of("one"), null));
    try (AgentProcess agent = AgentProcess.run(cfg, port, dir.resolve("agent.log"))) {
      await("target one is up").atMost(Duration.ofSeconds(30)).until(() -> up(agent).equals(List.of("one")));
      assertThat(metric(agent, "earlybird_config_last_reload_successful")).isEqualTo(1.0);
      double startedAt = metric(agent, "earlybird_config_last_reload_success_timestamp_seconds");
      assertThat(acmeDayStarts(agent)).isEqualTo("2026-01-01T00:00:00Z");

      // SIGHUP with a second target and a time zone for acme: both apply, the process stays.
      Files.writeString(cfg, config(port, store, List.of("one", "two"), "Asia/Tokyo"));
      agent.hangUp();
      await("target two is polled after SIGHUP").atMost(Duration.ofSeconds(30))
          .failFast("the agent exited on SIGHUP", () -> !agent.alive())
          .until(() -> up(agent).equals(List.of("one", "two")));
      assertThat(acmeDayStarts(agent)).isEqualTo("2025-12-31T15:00:00Z");
      assertThat(metric(agent, "earlybird_config_last_reload_successful")).isEqualTo(1.0);
      assertThat(metric(agent, "earlybird_config_last_reload_success_timestamp_seconds")).isGreaterThan(startedAt);
      assertThat(agent.log()).contains("config reloaded: targets added: two; sections changed: tenants");

      // An invalid file (an unknown key): still running on the old config, the log names file:line and key.
      Files.writeString(cfg, config(port, store, List.of("one"), null).replace("poll: { interval: 1s }",
          "poll: { intervall: 1s }"));
      agent.hangUp();
      await("the failed reload is counted").atMost(Duration.ofSeconds(10))
          .until(() -> metric(agent, "earlybird_config_last_reload_successful") == 0.0);
      assertThat(agent.alive()).isTrue();
      assertThat(agent.log()).contains("config reload failed; still running on the previous config: " + cfg
          + ":3: poll.intervall: unknown key");
      assertThat(names(agent)).containsExactly("one", "two");

      // POST /-/reload needs the token; with it, an invalid file is a 400 that lists the problems.
      assertThat(agent.post("/-/reload", null).statusCode()).isEqualTo(401);
      assertThat(agent.post("/-/reload", "Bearer wrong-token-0123456789").statusCode()).isEqualTo(401);
      HttpResponse<String> invalid = agent.post("/-/reload", "Bearer " + TOKEN);
      assertThat(invalid.statusCode()).isEqualTo(400);
      JsonNode problems = JSON.readTree(invalid.body()).get("problems");
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0).asText()).startsWith(cfg + ":3: poll.intervall: unknown key");

      // Fixed, and without target one: it goes from the API and from /metrics; two keeps being polled.
      Files.writeString(cfg, config(port, store, List.of("two"), "Asia/Tokyo"));
      HttpResponse<String> ok = agent.post("/-/reload", "Bearer " + TOKEN);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(JSON.readTree(ok.body()).get("changes").asText()).isEqualTo("config reloaded: targets removed: one");
      assertThat(names(agent)).containsExactly("two");
      assertThat(agent.get("/metrics")).doesNotContain("target=\"one\"").contains("target=\"two\"");
      assertThat(metric(agent, "earlybird_config_last_reload_successful")).isEqualTo(1.0);
      long polledAt = lastPoll(agent, "two");
      await("target two is still polled").atMost(Duration.ofSeconds(10)).until(() -> lastPoll(agent, "two") > polledAt);
      assertThat(agent.log()).doesNotContain(PASSWORD);
    }
  }

  /** Names of the targets that are up, sorted. */
  static List<String> up(AgentProcess agent) throws Exception {
    List<String> up = new ArrayList<>();
    agent.json("/api/v1/targets").forEach(t -> {
      if (t.get("up").asBoolean()) {
        up.add(t.get("name").asText());
      }
    });
    return up.stream().sorted().toList();
  }

  static List<String> names(AgentProcess agent) throws Exception {
    return StreamSupport.stream(agent.json("/api/v1/targets").spliterator(), false)
        .map(t -> t.get("name").asText()).sorted().toList();
  }

  static long lastPoll(AgentProcess agent, String target) throws Exception {
    for (JsonNode t : agent.json("/api/v1/targets")) {
      if (t.get("name").asText().equals(target) && t.hasNonNull("lastPollAt")) {
        return java.time.Instant.parse(t.get("lastPollAt").asText()).toEpochMilli();
      }
    }
    return 0;
  }

  /** Where the hot list's day starts for tenant acme: midnight in acme's time zone. */
  static String acmeDayStarts(AgentProcess agent) throws Exception {
    return agent.json("/api/v1/hot-queries?date=2026-01-01&tenant=acme").get("from").asText();
  }

  /** The value of an unlabelled gauge in /metrics (Prometheus text format). */
  static double metric(AgentProcess agent, String name) throws Exception {
    return agent.get("/metrics").lines()
        .filter(l -> l.startsWith(name + " "))
        .map(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
  }
}
