package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.Tmpfs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar with its store on a 12 MB tmpfs that runs full while it polls a real PostgreSQL every second: a
 * marker statement runs 5 times, the disk fills, it runs 3 times, the disk is freed, it runs 2 times. While the disk
 * is full the target stays up (metric and API agree), polls count as store errors, the store says it is down
 * (metric, readiness with the reason, one ERROR line); once space returns the store writes again by itself (one
 * INFO line) and the stored calls of the marker equal the server's: the first poll after recovery diffs against
 * the last stored snapshot, so the polls that were not stored are covered, and nothing is counted twice.
 */
class StoreDiskFullIT {
  static final String DB = "sdf_db";
  static final String ROLE = "sdf_monitor";
  static final String PASSWORD = "pw-sdf-never-in-logs-2b81";
  static final String MARKER = "sdf_marker";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static PgServer pg;

  @BeforeAll
  static void server() {
    pg = PostgresServers.shared(17);
    pg.createDatabase(DB);
    // A table of its own: the marker statement's queryid is new to pg_stat_statements in each run of the test.
    pg.execute(DB, "DROP TABLE IF EXISTS " + MARKER, "CREATE TABLE " + MARKER + " (k int)");
    pg.createLoginRole(ROLE, PASSWORD, "pg_read_all_stats");
  }

  @AfterAll
  static void dropRole() {
    if (pg != null) {
      pg.execute("postgres", "DROP OWNED BY " + ROLE, "DROP ROLE IF EXISTS " + ROLE);
    }
  }

  @Test
  void aFullDiskStoresNothingTwiceLosesNothingAndRecoversByItself(@TempDir Path dir) throws Exception {
    try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 12)) {
      int port = AgentProcess.freePort();
      Path cfg = dir.resolve("earlybird.yml");
      Files.writeString(cfg, """
          listen: "127.0.0.1:%d"
          store: "duckdb:%s"
          poll: { interval: 1s, textRefresh: 1s }
          targets:
            - name: pg
              url: "jdbc:postgresql://127.0.0.1:%d/%s"
              user: %s
              password: "%s"
              databases: { include: ["^%s$"] }
          """.formatted(port, disk.dir().resolve("store.duckdb"), pg.port(), DB, ROLE, PASSWORD, DB));
      Instant t0 = Instant.now();
      Path log = dir.resolve("agent.log");
      AgentProcess agent = AgentProcess.start(List.of("run", "--config", cfg.toString()), port, log,
          Duration.ofSeconds(60), Map.of("EARLYBIRD_LOG_FORMAT", "json"));
      long server;
      long stored;
      try {
        await("a first poll stored").atMost(Duration.ofSeconds(30)).until(() -> lastPollAt(agent) != null);
        runMarker(5);
        // Waits for the calls themselves: a poll finishing after they ran may have read the server before they did.
        await("the five calls stored").atMost(Duration.ofSeconds(30)).until(() -> storedCalls(agent, t0) >= 5);

        disk.fill();
        await("the store fails").atMost(Duration.ofSeconds(30)).until(() -> metric(agent, "earlybird_store_up") == 0);
        double storeErrors = metric(agent, "earlybird_poll_errors_total", "reason=\"store\"", "target=\"pg\"");
        runMarker(3);
        // Two more failed polls: at least one of them read the three calls after they ran.
        await("polls fail to be stored").atMost(Duration.ofSeconds(30)).until(() ->
            metric(agent, "earlybird_poll_errors_total", "reason=\"store\"", "target=\"pg\"") >= storeErrors + 2);
        assertThat(metric(agent, "earlybird_target_up", "target=\"pg\"")).as("the database is fine").isEqualTo(1);
        assertThat(agent.json("/api/v1/targets").get(0).get("up").asBoolean()).isTrue();
        assertThat(metric(agent, "earlybird_store_errors_total")).isPositive();
        assertThat(get(port, "/-/healthy").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(port, "/-/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).startsWith("Not ready: the history store cannot write: ")
            .contains("No space left on device");
        assertThat(storedCalls(agent, t0)).as("what was stored is still served").isEqualTo(5);

        disk.free();
        await("the store writes again by itself").atMost(Duration.ofSeconds(30))
            .until(() -> metric(agent, "earlybird_store_up") == 1 && get(port, "/-/ready").statusCode() == 200);
        runMarker(2);
        server = serverMarker()[1];
        long all = server;
        await("every call stored").atMost(Duration.ofSeconds(30)).until(() -> storedCalls(agent, t0) >= all);
        stored = storedCalls(agent, t0);
      } finally {
        agent.close();
      }
      System.out.printf("[StoreDiskFullIT] marker statement calls: server %d, stored %d%n", server, stored);
      assertThat(server).isEqualTo(10);
      assertThat(stored).as("stored calls equal the server's").isEqualTo(server);

      List<JsonNode> lines = jsonLines(log);
      assertThat(lines).filteredOn(l -> !l.get("level").asText().equals("INFO") && !l.get("level").asText().equals("DEBUG"))
          .as("one line when the store starts failing, nothing else").singleElement().satisfies(l -> {
            assertThat(l.get("level").asText()).isEqualTo("ERROR");
            assertThat(l.get("message").asText()).startsWith("history store cannot write")
                .contains("No space left on device");
          });
      assertThat(lines).filteredOn(l -> l.get("message").asText().startsWith("history store writes again"))
          .singleElement().satisfies(l -> assertThat(l.get("level").asText()).isEqualTo("INFO"));
      assertThat(lines).noneMatch(l -> l.has("exception"));
      assertThat(Files.readString(log)).doesNotContain(PASSWORD);
    }
  }

  private static void runMarker(int times) throws SQLException {
    try (Connection c = pg.superuser(DB); Statement s = c.createStatement()) {
      for (int i = 0; i < times; i++) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + MARKER)) {
          rs.next();
        }
      }
    }
  }

  /** The marker's queryid and calls as pg_stat_statements counts them (it is new in this run: its table is). */
  private static long[] serverMarker() throws SQLException {
    try (Connection c = pg.superuser("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT s.queryid, sum(s.calls) FROM pg_stat_statements s JOIN pg_database d"
            + " ON d.oid = s.dbid WHERE d.datname = '" + DB + "' AND s.query = 'SELECT count(*) FROM " + MARKER + "'"
            + " GROUP BY s.queryid")) {
      assertThat(rs.next()).as("the marker statement is in pg_stat_statements").isTrue();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  /** The marker's calls in the agent's hot-query list since {@code t0}: what a user sees stored. */
  private static long storedCalls(AgentProcess agent, Instant t0) throws Exception {
    String queryId = Long.toString(serverMarker()[0]);
    JsonNode hot = agent.json("/api/v1/hot-queries?target=pg&database=" + DB + "&limit=1000&from=" + t0 + "&to="
        + Instant.now().plusSeconds(60));
    long calls = 0;
    for (JsonNode q : hot.get("queries")) {
      if (q.get("queryId").asText().equals(queryId)) {
        calls += q.get("calls").asLong();
      }
    }
    return calls;
  }


  private static Instant lastPollAt(AgentProcess agent) throws Exception {
    JsonNode at = agent.json("/api/v1/targets").get(0).get("lastPollAt");
    return at == null || at.isNull() ? null : Instant.parse(at.asText());
  }

  /** The value of the first series of {@code name} whose labels include every one of {@code labels}; 0 if none. */
  private static double metric(AgentProcess agent, String name, String... labels) throws Exception {
    for (String line : agent.get("/metrics").split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        String series = line.substring(0, line.lastIndexOf(' '));
        if (List.of(labels).stream().allMatch(series::contains)) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return 0;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> jsonLines(Path log) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
