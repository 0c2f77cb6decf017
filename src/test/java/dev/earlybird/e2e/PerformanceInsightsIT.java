package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.aws.FakePi;
import dev.earlybird.testing.aws.FakePi.Digest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Performance Insights end to end: the real agent jar polls a real PostgreSQL and reads PI from a local endpoint
 * speaking PI's wire protocol through the real SDK. Two databases run the same SQL text under different queryids;
 * PI names the queryid of one of them, and only that one may get PI's CPU.
 */
class PerformanceInsightsIT {
  static final String DBI = "db-EARLYBIRDMAINTEST0000000";
  static final String DENIED = "db-EARLYBIRDDENIEDTEST00000";
  static final String COUNT = "SELECT count(*) FROM orders WHERE customer_id = $1";
  static final String SUM = "SELECT sum(amount) FROM orders WHERE customer_id = $1";
  static final double COUNT_CPU = 0.5;
  static final double SUM_CPU = 0.2;

  static PgServer pg;
  static final AtomicBoolean running = new AtomicBoolean(true);
  static final List<Thread> workers = new ArrayList<>();

  @BeforeAll
  static void servers() throws Exception {
    pg = PostgresServers.dedicated(16, Map.of());
    for (String db : List.of("tenant_a", "tenant_b")) {
      pg.createDatabase(db);
      try (Connection c = pg.superuser(db); Statement s = c.createStatement()) {
        // Created separately in each database: other table OIDs, so the same text has another queryid.
        s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount numeric)");
        s.execute("INSERT INTO orders SELECT g, g % 50, g FROM generate_series(1, 2000) g");
      }
    }
    for (String db : List.of("tenant_a", "tenant_b")) {
      Thread t = Thread.ofVirtual().start(() -> work(db));
      workers.add(t);
    }
  }

  /** Both databases run COUNT; only tenant_b runs SUM. */
  static void work(String db) {
    try (Connection c = pg.superuser(db);
        PreparedStatement count = c.prepareStatement(COUNT.replace("$1", "?"));
        PreparedStatement sum = c.prepareStatement(SUM.replace("$1", "?"))) {
      int i = 0;
      while (running.get()) {
        count.setInt(1, i++ % 50);
        count.executeQuery().close();
        if (db.equals("tenant_b")) {
          sum.setInt(1, i % 50);
          sum.executeQuery().close();
        }
      }
    } catch (Exception e) {
      if (running.get()) {
        throw new IllegalStateException(e);
      }
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : workers) {
      t.join(Duration.ofSeconds(10));
    }
    if (pg != null) {
      pg.close();
    }
  }

  static long queryId(String db, String text) throws Exception {
    try (Connection c = pg.superuser("postgres");
        PreparedStatement ps = c.prepareStatement("SELECT s.queryid FROM pg_stat_statements s "
            + "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = ? AND s.query = ? AND s.toplevel")) {
      ps.setString(1, db);
      ps.setString(2, text);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Test
  void piCpuGoesToTheRightStatementAndFailuresNeverMeanDown(@TempDir Path dir) throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> queryId("tenant_a", COUNT) != 0
        && queryId("tenant_b", COUNT) != 0 && queryId("tenant_b", SUM) != 0);
    long countA = queryId("tenant_a", COUNT);
    long countB = queryId("tenant_b", COUNT);
    assertThat(countA).as("same text, separately created tables: different queryids").isNotEqualTo(countB);

    try (FakePi pi = new FakePi()) {
      pi.digests(DBI, List.of(
          new Digest("AAAA1111", Long.toString(countA), "SELECT count(*) FROM orders WHERE customer_id = ?",
              Map.of("CPU", COUNT_CPU, "IO", 0.25), 100.0, 0.2, 1.0),
          new Digest("BBBB2222", "pi-2372568224", "SELECT sum(amount) FROM orders WHERE customer_id = ?",
              Map.of("CPU", SUM_CPU), null, null, null),
          new Digest("CCCC3333", "pi-999", "VACUUM ANALYZE orders", Map.of("IO", 0.1, "CPU", 0.05), null, null,
              null)));
      pi.databases(DBI, Map.of("tenant_a", 0.75, "tenant_b", 0.25));
      pi.deny(DENIED).throttle(2);
      int port = AgentProcess.freePort();
      Path config = dir.resolve("earlybird.yml");
      Files.writeString(config, """
          listen: "127.0.0.1:%d"
          store: "duckdb:%s"
          poll: { interval: 1s, textRefresh: 1s }
          aws:
            performanceInsights: { interval: 2s }
          targets:
            - name: main
              url: "%s"
              user: postgres
              aws: { region: us-east-1, dbiResourceId: %s, endpoint: "%s" }
            - name: denied
              url: "%s"
              user: postgres
              aws: { region: us-east-1, dbiResourceId: %s, endpoint: "%s" }
          """.formatted(port, dir.resolve("store.duckdb"), pg.jdbcUrl("postgres"), DBI, pi.endpoint(),
          pg.jdbcUrl("postgres"), DENIED, pi.endpoint()));
      try (AgentProcess agent = AgentProcess.run(config, port, dir.resolve("agent.log"))) {
        try {
          check(agent, pi, countA, countB);
        } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
          String errors = agent.get("/metrics").lines().filter(l -> l.startsWith("earlybird_poll_errors_total"))
              .reduce("", (x, y) -> x + y + "\n");
          throw new AssertionError(e.getMessage() + "\nerror metrics:\n" + errors
              + "PI requests:\n" + pi.requests().stream().map(r -> r.operation() + " " + r.body().path("Identifier")
                  + " " + r.body().path("StartTime") + ".." + r.body().path("EndTime")).toList() + "\n" + "agent log:\n" + agent.log()
              + "\nthreads:\n" + agent.threadDump(), e);
        }
      }
    }
  }

  void check(AgentProcess agent, FakePi pi, long countA, long countB) throws Exception {
    {
      {
        // Throttled twice, retried by the SDK: counted, and the database is not down.
        await("throttling counted").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          String metrics = agent.get("/metrics");
          assertThat(sample(metrics, "earlybird_poll_errors_total", "reason=\"throttled\"", "source=\"performance_insights\"",
              "target=\"main\"")).isGreaterThanOrEqualTo(1);
          assertThat(sample(metrics, "earlybird_target_up", "target=\"main\"")).isEqualTo(1);
        });
        // Denied on every window, logged once, counted each time, and still not "down".
        await("denial counted").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          String metrics = agent.get("/metrics");
          assertThat(sample(metrics, "earlybird_poll_errors_total", "reason=\"permission\"", "source=\"performance_insights\"",
              "target=\"denied\"")).isGreaterThanOrEqualTo(3);
          assertThat(sample(metrics, "earlybird_target_up", "target=\"denied\"")).isEqualTo(1);
        });
        assertThat(count(agent.log(), "access denied for pi:DescribeDimensionKeys")).isEqualTo(1);
        // Once pg_stat_statements intervals are stored, a few PI windows after that: the hot list's window.
        await("first intervals").atMost(Duration.ofSeconds(60)).until(() -> StreamSupport.stream(
            agent.json("/api/v1/hot-queries?target=main&database=tenant_a").get("queries").spliterator(), false)
            .anyMatch(r -> r.path("calls").asLong() > 0));
        double polled = Instant.now().getEpochSecond() + 1;
        await("PI windows").atMost(Duration.ofSeconds(60))
            .until(() -> windows(pi).stream().filter(w -> w[0] >= polled).count() >= 5);

        List<double[]> windows = windows(pi).stream().filter(w -> w[0] >= polled).toList();
        Instant from = Instant.ofEpochSecond((long) windows.get(0)[0]);
        // The last window asked for may not be stored yet.
        Instant to = Instant.ofEpochSecond((long) windows.get(windows.size() - 2)[1]);
        double seconds = Duration.between(from, to).toSeconds();
        JsonNode hot = agent.json("/api/v1/hot-queries?target=main&limit=100&from=" + enc(from) + "&to=" + enc(to));
        List<JsonNode> rows = StreamSupport.stream(hot.get("queries").spliterator(), false).toList();

        JsonNode a = row(rows, "tenant_a", COUNT);
        assertThat(a.get("cpuSource").asText()).isEqualTo("performance_insights");
        assertThat(a.get("cpuMs").asDouble()).isCloseTo(COUNT_CPU * seconds * 1000, within(1.0));
        assertThat(a.get("queryId").asText()).isEqualTo(Long.toString(countA));
        // The same text in tenant_b has its own queryid: PI's figure must not leak there.
        JsonNode b = row(rows, "tenant_b", COUNT);
        assertThat(b.get("cpuSource").asText()).isNotEqualTo("performance_insights");
        // A synthetic pi- id joins by text: only tenant_b runs SUM.
        JsonNode sum = row(rows, "tenant_b", SUM);
        assertThat(sum.get("cpuSource").asText()).isEqualTo("performance_insights");
        assertThat(sum.get("cpuMs").asDouble()).isCloseTo(SUM_CPU * seconds * 1000, within(1.0));
        // A digest that matches nothing is still listed, marked as PI-only.
        assertThat(rows).anySatisfy(r -> {
          assertThat(r.get("piOnly").asBoolean()).isTrue();
          assertThat(r.get("query").asText()).isEqualTo("VACUUM ANALYZE orders");
          assertThat(r.get("piDigest").asText()).isEqualTo("CCCC3333");
          assertThat(r.get("queryId").isNull()).isTrue();
        });

        JsonNode query = agent.json("/api/v1/queries/main/tenant_a/" + countA + "?from=" + enc(from) + "&to="
            + enc(to));
        JsonNode waits = query.get("performanceInsights");
        assertThat(waits.get("joinedBy").get(0).asText()).isEqualTo("queryid");
        assertThat(waits.get("waitMs").get("CPU").asDouble()).isCloseTo(COUNT_CPU * seconds * 1000, within(1.0));
        assertThat(waits.get("waitMs").get("IO").asDouble()).isCloseTo(0.25 * seconds * 1000, within(1.0));
        JsonNode other = agent.json("/api/v1/queries/main/tenant_b/" + countB + "?from=" + enc(from) + "&to="
            + enc(to));
        assertThat(other.get("performanceInsights").isNull()).isTrue();

        // The target's PI load: per database (db.name) and over time by wait event type.
        JsonNode load = agent.json("/api/v1/targets/main/load?from=" + enc(from) + "&to=" + enc(to));
        assertThat(load.get("databases").get(0).get("database").asText()).isEqualTo("tenant_a");
        assertThat(load.get("databases").get(0).get("tenant").asText()).isEqualTo("a");
        assertThat(load.get("databases").get(0).get("loadMs").asDouble()).isCloseTo(0.75 * seconds * 1000, within(1.0));
        assertThat(load.get("databases").get(1).get("cpuMs").asDouble()).isCloseTo(0.25 * seconds * 1000, within(1.0));
        assertThat(StreamSupport.stream(load.get("timeline").spliterator(), false)
            .filter(p -> p.get("waitType").asText().equals("CPU")).map(p -> p.get("averageActiveSessions").asDouble()))
            .isNotEmpty().allSatisfy(v -> assertThat(v).isCloseTo(COUNT_CPU + SUM_CPU + 0.05, within(1e-9)));

        String metrics = agent.get("/metrics");
        assertThat(sample(metrics, "earlybird_performance_insights_load_sessions", "target=\"main\"",
            "wait_event_type=\"CPU\"")).isCloseTo(COUNT_CPU + SUM_CPU + 0.05, within(1e-9));
        assertThat(pi.violations()).isEmpty();
        // Never the same window twice: every stored window was asked for once (retries aside).
        List<double[]> asked = windows(pi);
        assertThat(asked.stream().map(w -> (long) w[0]).distinct().count()).isEqualTo(asked.size());
      }
    }
  }

  /** [start, end] of each successful digest request for the main instance, in order. */
  static List<double[]> windows(FakePi pi) {
    List<double[]> out = new ArrayList<>();
    double lastStart = -1;
    for (FakePi.Request r : pi.requests("DescribeDimensionKeys")) {
      JsonNode b = r.body();
      if (b.path("Identifier").asText().equals(DBI) && b.path("GroupBy").path("Group").asText().equals("db.sql_tokenized")
          && b.path("StartTime").asDouble() != lastStart) {
        lastStart = b.path("StartTime").asDouble();
        out.add(new double[] {lastStart, b.path("EndTime").asDouble()});
      }
    }
    return out;
  }

  static JsonNode row(List<JsonNode> rows, String database, String query) {
    return rows.stream()
        .filter(r -> database.equals(r.path("database").asText()) && query.equals(r.path("query").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no hot-list row for " + database + ": " + query + " in " + rows));
  }

  static String enc(Instant t) {
    return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** The value of the first sample of {@code name} whose labels contain all of {@code labels}. */
  static double sample(String metrics, String name, String... labels) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)").matcher(metrics);
    while (m.find()) {
      String l = m.group(1);
      if (java.util.Arrays.stream(labels).allMatch(l::contains)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }
}
