package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.container.DockerfileHealthcheck;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker stop}, as the real jar sees it: SIGTERM while it polls a real PostgreSQL under load, with JSON logs
 * (as in a container). The poll in flight finishes and is stored, the stop is quick and says it was graceful, the
 * store needs no recovery, every poll reported done is in the history, and findings stay active across the stop.
 * And a poll that cannot finish does not hold the stop past the grace.
 */
class GracefulStopIT {
  static final String DB = "gs_load";
  static final String QUERY = "SELECT count(*) FROM items WHERE v = ?";
  static final String PASSWORD = "pw-never-in-logs-7f3a9c";
  static final Map<String, String> JSON_LOGS = Map.of("EARLYBIRD_LOG_FORMAT", "json");
  static final ObjectMapper JSON = new ObjectMapper();
  static PgServer pg;

  @BeforeAll
  static void server() {
    pg = PostgresServers.shared(17);
    pg.createDatabase(DB);
    pg.execute(DB, "DROP TABLE IF EXISTS items", "CREATE TABLE items (k int NOT NULL, v text NOT NULL)",
        "INSERT INTO items SELECT g, 'v' || (g % 5000) FROM generate_series(1, 100000) g", "ANALYZE items");
    // The agent logs in with a real password, which must never show up in its logs.
    pg.createLoginRole("gs_monitor", PASSWORD, "pg_read_all_stats");
  }

  @AfterAll
  static void dropRole() {
    if (pg != null) {
      pg.execute("postgres", "DROP OWNED BY gs_monitor", "DROP ROLE IF EXISTS gs_monitor");
    }
  }

  /** A sequential scan per call, in a loop: by far the heaviest statement of the database, so its "hot" finding. */
  static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong calls = new AtomicLong();
    final Thread thread = Thread.ofPlatform().daemon().start(this::run);

    private void run() {
      while (running.get()) {
        try (Connection c = pg.superuser(DB); PreparedStatement ps = c.prepareStatement(QUERY)) {
          for (int i = 0; running.get(); i++) {
            ps.setString(1, "v" + (i % 5000));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
            }
            calls.incrementAndGet();
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
          }
        } catch (SQLException e) {
          LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
      }
    }

    @Override
    public void close() {
      running.set(false);
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String config(int port, Path store, int pgPort) {
    return """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 2s }
        targets:
          - name: pg
            url: "jdbc:postgresql://127.0.0.1:%d/%s"
            user: gs_monitor
            password: "%s"
            databases: { include: ["^%s$"] }
        analysis:
          hot: { top: 10, findings: 1 }
          regression: { window: 3s, minCalls: 5, minExtraPerHour: 1s, persistence: 1, resolveAfter: 1 }
        """.formatted(port, store, pgPort, DB, PASSWORD, DB);
  }

  @Test
  void sigtermFinishesThePollInFlightStoresEveryPollAndKeepsFindingsActive(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("store.duckdb");
    Path cfg = dir.resolve("earlybird.yml");
    int port = AgentProcess.freePort();
    try (Load load = new Load(); SlowLink link = new SlowLink(pg.port(), Duration.ofMillis(600))) {
      Files.writeString(cfg, config(port, store, link.port()));
      Instant t0 = Instant.now();
      Path log = dir.resolve("agent.log");
      AgentProcess agent = AgentProcess.start(List.of("run", "--config", cfg.toString()), port, log,
          Duration.ofSeconds(60), JSON_LOGS);
      String findingId;
      Instant reportedDone;
      long callsReported;
      try {
        await("the load's statement is an active hot finding").atMost(Duration.ofSeconds(45))
            .pollInterval(Duration.ofMillis(500)).until(() -> hot(agent, "active").size() == 1);
        findingId = hot(agent, "active").getFirst().get("id").asText();
        assertThat(hot(agent, "active").getFirst().get("database").asText()).isEqualTo(DB);

        // The image's HEALTHCHECK, with its own JVM options, against this agent.
        healthcheck(cfg);

        assertThat(load.calls.get()).as("the load runs while the agent is stopped").isPositive();
        reportedDone = lastPollAt(agent);
        callsReported = calls(agent.json(hotQueriesPath(t0, reportedDone)));
        assertThat(callsReported).isPositive();
        // SIGTERM right after a poll sent a query: its answer is still 600 ms away, so that poll is in flight.
        link.nextRequest().get(30, TimeUnit.SECONDS);
        long stopping = System.nanoTime();
        int exit = agent.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);

        assertThat(exit).as("128 + SIGTERM").isEqualTo(143);
        assertThat(took).as("well inside docker stop's 10 s").isLessThan(Duration.ofSeconds(10));
        System.out.printf("[GracefulStopIT] SIGTERM to exit with a poll in flight: %d ms%n", took.toMillis());
      } finally {
        agent.close();
      }
      List<JsonNode> lines = jsonLines(log);
      assertThat(lines).anySatisfy(l -> {
        assertThat(l.get("logger").asText()).isEqualTo("dev.earlybird.Agent");
        assertThat(l.get("level").asText()).isEqualTo("INFO");
        assertThat(l.get("message").asText()).startsWith("Earlybird stopped gracefully in ")
            .contains(": 1 poll(s) in flight finished");
      });
      assertThat(lines).anySatisfy(l -> {
        assertThat(l.get("message").asText()).startsWith("target pg: connected, PostgreSQL 17");
        assertThat(l.get("target").asText()).isEqualTo("pg");
      });
      assertThat(lines).noneMatch(l -> l.get("level").asText().equals("ERROR"));
      assertThat(Files.readString(log)).doesNotContain(PASSWORD);

      // A clean close checkpoints: no write-ahead log is left to replay.
      assertThat(store.resolveSibling("store.duckdb.wal")).doesNotExist();
      // The store opens (read-only, by report) and has every poll reported done before the stop, exactly...
      var before = AgentProcess.runApart(Duration.ofSeconds(60), "report", "--config", cfg.toString(),
          "--target", "pg", "--database", DB, "--from", t0.toString(), "--to", reportedDone.toString(),
          "--format", "json");
      assertThat(before.exitCode()).as(before.err()).isZero();
      assertThat(calls(JSON.readTree(before.out()))).isEqualTo(callsReported);
      // ... and the poll that was in flight at SIGTERM, or later ones: calls polled after the last poll reported.
      var after = AgentProcess.runApart(Duration.ofSeconds(60), "report", "--config", cfg.toString(),
          "--target", "pg", "--database", DB, "--from", reportedDone.toString(), "--to", Instant.now().toString(),
          "--format", "json");
      assertThat(after.exitCode()).as(after.err()).isZero();
      assertThat(calls(JSON.readTree(after.out()))).isPositive();

      // Restarted: the finding is the same one, still active, and stays so while the load goes on.
      AgentProcess restarted = AgentProcess.start(List.of("run", "--config", cfg.toString()), port,
          dir.resolve("agent2.log"), Duration.ofSeconds(60), JSON_LOGS);
      try {
        assertThat(hot(restarted, "")).singleElement().satisfies(f -> {
          assertThat(f.get("id").asText()).isEqualTo(findingId);
          assertThat(f.get("state").asText()).isEqualTo("active");
        });
        await("three windows evaluated after the restart").atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(500)).until(() -> evaluations(restarted) >= 3);
        assertThat(hot(restarted, "")).singleElement().satisfies(f -> {
          assertThat(f.get("id").asText()).isEqualTo(findingId);
          assertThat(f.get("state").asText()).isEqualTo("active");
          assertThat(f.get("resolvedAt").isNull()).isTrue();
        });
        assertThat(calls(restarted.json(hotQueriesPath(t0, reportedDone)))).isEqualTo(callsReported);
      } finally {
        restarted.close();
      }
    }
  }

  /** A target that accepts connections and never answers: its poll is stuck connecting when SIGTERM comes. */
  @Test
  void aPollThatCannotFinishIsInterruptedAfterTheGraceAndTheStopSaysSo(@TempDir Path dir) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      int port = AgentProcess.freePort();
      Path cfg = dir.resolve("earlybird.yml");
      Files.writeString(cfg, """
          listen: "127.0.0.1:%d"
          store: "duckdb:%s"
          poll: { interval: 60s, connectTimeout: 50s }
          targets:
            - { name: silent, url: "jdbc:postgresql://127.0.0.1:%d/postgres", user: earlybird }
          """.formatted(port, dir.resolve("store.duckdb"), silent.getLocalPort()));
      Path log = dir.resolve("agent.log");
      AgentProcess agent = AgentProcess.start(List.of("run", "--config", cfg.toString()), port, log,
          Duration.ofSeconds(60), JSON_LOGS);
      try {
        // The poll has connected (TCP) and waits for an answer that never comes (the socket stays open).
        Socket stuck = CompletableFuture.supplyAsync(() -> {
          try {
            return silent.accept();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }).get(20, TimeUnit.SECONDS);
        try {
          long stopping = System.nanoTime();
          agent.terminate();
          // While it waits for the poll, the agent is no longer ready but still alive and answering.
          await("not ready while stopping").atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
              .until(() -> agent.status("/-/ready") == 503);
          assertThat(agent.status("/-/healthy")).isEqualTo(200);
          int exit = agent.awaitExit(Duration.ofSeconds(30));
          Duration took = Duration.ofNanos(System.nanoTime() - stopping);
          assertThat(exit).isEqualTo(143);
          assertThat(took).as("the 5 s grace, then the interrupted poll unwinds").isBetween(
              Duration.ofSeconds(5), Duration.ofSeconds(10));
        } finally {
          stuck.close();
        }
      } finally {
        agent.close();
      }
      assertThat(jsonLines(log)).anySatisfy(l -> {
        assertThat(l.get("level").asText()).isEqualTo("WARN");
        assertThat(l.get("message").asText()).startsWith("Earlybird stopped in ")
            .contains("the poll of target silent was interrupted after 5s");
      });
      assertThat(dir.resolve("store.duckdb.wal")).doesNotExist();
    }
  }

  /** Runs the image's HEALTHCHECK command (its JVM options and arguments) with this config, on the real jar. */
  private static void healthcheck(Path cfg) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(DockerfileHealthcheck.jvmOptions());
    cmd.addAll(List.of("-jar", AgentProcess.jar().toString()));
    DockerfileHealthcheck.arguments().forEach(a -> cmd.add(a.equals(DockerfileHealthcheck.CONFIG) ? cfg.toString() : a));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("healthy: http://127.0.0.1:");
    System.out.printf("[GracefulStopIT] the image's healthcheck probe took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  private static List<JsonNode> jsonLines(Path log) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line)); // throws, naming the line, if anything is not one JSON object per line
      }
    }
    return out;
  }

  private static List<JsonNode> hot(AgentProcess agent, String state) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    agent.json("/api/v1/findings?kind=hot" + (state.isEmpty() ? "" : "&state=" + state)).get("findings")
        .forEach(out::add);
    return out;
  }

  private static String hotQueriesPath(Instant from, Instant to) {
    return "/api/v1/hot-queries?target=pg&database=" + DB + "&limit=1000&from=" + from + "&to=" + to;
  }

  /** Calls of the load's statement in a hot-query list (the API's or report's JSON: the same shape). */
  private static long calls(JsonNode hotQueries) {
    long sum = 0;
    for (JsonNode q : hotQueries.get("queries")) {
      if (q.get("query").asText().startsWith("SELECT count(*) FROM items WHERE v = $1")) {
        sum += q.get("calls").asLong();
      }
    }
    return sum;
  }

  private static Instant lastPollAt(AgentProcess agent) throws Exception {
    JsonNode target = agent.json("/api/v1/targets").get(0);
    return Instant.parse(target.get("lastPollAt").asText());
  }

  private static int evaluations(AgentProcess agent) throws Exception {
    for (String line : agent.get("/metrics").split("\n")) {
      if (line.startsWith("earlybird_analysis_evaluations_total ")) {
        return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return 0;
  }
}
