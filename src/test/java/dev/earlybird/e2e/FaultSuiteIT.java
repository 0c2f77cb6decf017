package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.TcpRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault suite of docs/faults.md, on the real jar: one agent polls four targets while each fault is made for real on
 * one of them. Every case checks what a user would: the fault shows in the metrics under its reason and in one log
 * line (no secret in it), the agent recovers by itself once the fault is gone, the history of the statements run
 * meanwhile is exact (stored calls equal calls made), and the {@code control} target is never disturbed.
 *
 * <p>The DNS and failover cases give the agent a hosts file of its own ({@code -Djdk.net.hosts.file}, no cache), so
 * the name {@code db.fault.test} can stop resolving, and then lead to another server, without touching the machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
  static final String HOST = "db.fault.test";
  static final String PASSWORD = "fault-pw-" + UUID.randomUUID();

  PgServer shared;
  PgServer own;
  PgServer small;
  TcpRelay first;
  TcpRelay second;
  Path dir;
  Path hosts;
  AgentProcess agent;
  int controlCalls;

  @BeforeAll
  void start() throws Exception {
    shared = PostgresServers.shared(17);
    own = PostgresServers.dedicated(17);
    small = PostgresServers.dedicated(17, Map.of("pg_stat_statements.max", "100"));
    small.createLoginRole("fault_monitor", PASSWORD, "pg_read_all_stats");
    small.createDatabase("fault_small");
    for (PgServer s : List.of(shared, own)) {
      s.createLoginRole("fault_monitor", PASSWORD, "pg_read_all_stats");
      s.createDatabase("fault_moving");
    }
    shared.createDatabase("fault_control");
    shared.createDatabase("fault_limited");
    shared.createLoginRole("fault_limited_role", PASSWORD);
    own.createDatabase("fault_main");
    first = new TcpRelay("127.0.0.2", 0, shared.port());
    second = new TcpRelay("127.0.0.3", first.port(), own.port());
    dir = Files.createTempDirectory("earlybird-faults");
    hosts = dir.resolve("hosts");
    pointName("127.0.0.2");
    Files.writeString(dir.resolve("password"), PASSWORD);
    int port = AgentProcess.freePort();
    Files.writeString(dir.resolve("earlybird.yml"), """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 1s }
        targets:
          - { name: control, url: "jdbc:postgresql://127.0.0.1:%d/postgres", user: fault_monitor,
              password: "${file:%s}", databases: { include: ["^fault_control$"] } }
          - { name: limited, url: "jdbc:postgresql://127.0.0.1:%d/postgres", user: fault_limited_role,
              password: "${file:%s}", databases: { include: ["^fault_limited$"] } }
          - { name: main, url: "jdbc:postgresql://127.0.0.1:%d/postgres", user: fault_monitor,
              password: "${file:%s}", databases: { include: ["^fault_"] } }
          - { name: moving, url: "jdbc:postgresql://%s:%d/postgres", user: fault_monitor,
              password: "${file:%s}", databases: { include: ["^fault_moving$"] } }
          - { name: small, url: "jdbc:postgresql://127.0.0.1:%d/postgres", user: fault_monitor,
              password: "${file:%s}", databases: { include: ["^fault_small$"] } }
        """.formatted(port, dir.resolve("store.duckdb"), shared.port(), dir.resolve("password"), shared.port(),
        dir.resolve("password"), own.port(), dir.resolve("password"), HOST, first.port(), dir.resolve("password"),
        small.port(), dir.resolve("password")));
    // No DNS cache: the agent sees each change of the hosts file at its next lookup.
    agent = AgentProcess.start(List.of("run", "--config", dir.resolve("earlybird.yml").toString()), port,
        dir.resolve("agent.log"), Duration.ofSeconds(60), Map.of("JAVA_TOOL_OPTIONS",
            "-Djdk.net.hosts.file=" + hosts + " -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0"));
    await("every target polled once").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> {
          JsonNode targets = agent.json("/api/v1/targets");
          int polled = 0;
          for (JsonNode t : targets) {
            polled += t.get("up").asBoolean() ? 1 : 0;
          }
          return polled == 5;
        });
  }

  @AfterAll
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {first, second, own, small}) {
      if (c != null) {
        c.close();
      }
    }
    if (shared != null) {
      shared.execute("postgres", "DROP OWNED BY fault_monitor", "DROP ROLE IF EXISTS fault_monitor",
          "DROP ROLE IF EXISTS fault_limited_role");
    }
  }

  @Test
  @Order(1)
  void missingPgReadAllStatsIsDegradedAndCounted() throws Exception {
    // Statements of the superuser are other roles' statements for fault_limited_role: hidden from it.
    run(shared, "fault_limited", "SELECT count(*) FROM pg_catalog.pg_am WHERE oid > 0", 5);
    await("limited is degraded").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode t = target("limited");
      assertThat(t.get("up").asBoolean()).isTrue();
      assertThat(t.get("hiddenStatements").asInt()).isPositive();
      assertThat(t.get("degraded").asText()).contains("GRANT pg_read_all_stats TO fault_limited_role;");
      assertThat(metric("earlybird_statements_hidden", "target", "limited")).isPositive();
    });
    run(shared, "fault_limited", "SELECT count(*) FROM pg_catalog.pg_am WHERE oid > 0", 5);
    await("hidden calls counted").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_hidden_calls_total", "target", "limited") >= 5);
    assertThat(agent.get("/")).contains("degraded");
    shared.execute("postgres", "GRANT pg_read_all_stats TO fault_limited_role");
    await("complete again").atMost(Duration.ofSeconds(20))
        .until(() -> target("limited").get("degraded").isNull());
    assertThat(logLines("target limited: incomplete data: .*GRANT pg_read_all_stats TO fault_limited_role;"))
        .isEqualTo(1);
    assertThat(logLines("target limited: every pg_stat_statements entry is visible again")).isEqualTo(1);
    String marker = "SELECT count(*) FROM pg_catalog.pg_opclass WHERE oid > 0";
    run(shared, "fault_limited", marker, 4);
    awaitStoredCalls("limited", "fault_limited", "pg_opclass", 4);
    // The statement run while hidden is not stored with everything it did then (counted in total above instead).
    assertThat(storedCalls("limited", "fault_limited", "pg_am")).isZero();
    control();
  }

  @Test
  @Order(2)
  void databaseStoppedAndRestarted() throws Exception {
    String marker = "SELECT count(*) FROM pg_catalog.pg_type WHERE oid > 0";
    run(own, "fault_main", marker, 3);
    awaitStoredCalls("main", "fault_main", "pg_type", 3);
    double before = metric("earlybird_poll_errors_total", "target", "main", "reason", "connect");
    own.stop();
    await("main down").atMost(Duration.ofSeconds(20)).until(() -> metric("earlybird_target_up", "target", "main") == 0);
    assertThat(metric("earlybird_poll_errors_total", "target", "main", "reason", "connect")).isGreaterThan(before);
    control();
    own.start();
    run(own, "fault_main", marker, 2);
    awaitUp("main");
    // pg_stat_statements keeps its counters across a clean restart: nothing lost, nothing twice.
    awaitStoredCalls("main", "fault_main", "pg_type", 5);
    assertThat(logLines("target main: poll failed \\(connect\\)")).isEqualTo(1);
    assertThat(logLines("target main: polling works again")).isEqualTo(1);
  }

  @Test
  @Order(3)
  void wrongPasswordThenFixed() throws Exception {
    own.execute("postgres", "ALTER ROLE fault_monitor PASSWORD 'not-the-configured-one'",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'fault_monitor'");
    await("auth errors").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_poll_errors_total", "target", "main", "reason", "auth") > 0);
    assertThat(metric("earlybird_target_up", "target", "main")).isZero();
    own.execute("postgres", "ALTER ROLE fault_monitor PASSWORD '" + PASSWORD + "'");
    awaitUp("main");
    assertThat(logLines("target main: poll failed \\(auth\\)")).isEqualTo(1);
    control();
  }

  @Test
  @Order(4)
  void permissionOnPgStatStatementsRevokedThenGranted() throws Exception {
    own.execute("postgres", "REVOKE EXECUTE ON FUNCTION pg_stat_statements(boolean) FROM PUBLIC");
    await("permission errors").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_poll_errors_total", "target", "main", "reason", "permission") > 0);
    String marker = "SELECT count(*) FROM pg_catalog.pg_proc WHERE oid > 0";
    run(own, "fault_main", marker, 3);
    own.execute("postgres", "GRANT EXECUTE ON FUNCTION pg_stat_statements(boolean) TO PUBLIC");
    awaitUp("main");
    run(own, "fault_main", marker, 2);
    // The first poll after the grant sees the statement for the first time and counts all of its calls.
    awaitStoredCalls("main", "fault_main", "pg_proc", 5);
    assertThat(logLines("target main: poll failed \\(permission\\)")).isEqualTo(1);
    control();
  }

  @Test
  @Order(5)
  void databasesCreatedAndDroppedWhilePolled() throws Exception {
    own.createDatabase("fault_new");
    run(own, "fault_new", "SELECT count(*) FROM pg_catalog.pg_namespace WHERE oid > 0", 3);
    await("fault_new's series").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_database_calls_total", "target", "main", "database", "fault_new") >= 3);
    awaitStoredCalls("main", "fault_new", "pg_namespace", 3);
    double errors = errorsOf("main");
    own.execute("postgres", "DROP DATABASE fault_new WITH (FORCE)");
    await("fault_new's series removed").atMost(Duration.ofSeconds(30))
        .until(() -> !scrape().contains("database=\"fault_new\""));
    assertThat(errorsOf("main")).as("a dropped database is no error").isEqualTo(errors);
    control();
  }

  @Test
  @Order(6)
  void statisticsReset() throws Exception {
    String marker = "SELECT count(*) FROM pg_catalog.pg_collation WHERE oid > 0";
    run(own, "fault_main", marker, 3);
    awaitStoredCalls("main", "fault_main", "pg_collation", 3);
    double resets = metric("earlybird_statements_resets_total", "target", "main");
    own.execute("postgres", "SELECT pg_stat_statements_reset()");
    run(own, "fault_main", marker, 2);
    await("reset seen").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_statements_resets_total", "target", "main") > resets);
    awaitStoredCalls("main", "fault_main", "pg_collation", 5);
    control();
  }

  @Test
  @Order(7)
  void entriesEvicted() throws Exception {
    String marker = "SELECT count(*) FROM pg_catalog.pg_conversion WHERE oid > 0";
    run(small, "fault_small", marker, 20);
    awaitStoredCalls("small", "fault_small", "pg_conversion", 20);
    // 150 statements used once each into a pg_stat_statements that keeps 100: the least used are evicted, and the
    // marker, used most, stays.
    try (var c = small.superuser("fault_small")) {
      dev.earlybird.testing.Workload.distinctStatements(c, 150);
    }
    run(small, "fault_small", marker, 3);
    await("evictions counted").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_statements_deallocated_total", "target", "small") > 0);
    awaitStoredCalls("small", "fault_small", "pg_conversion", 23);
    assertThat(logLines("target small: pg_stat_statements evicted \\d+ entries")).isEqualTo(1);
    assertThat(metric("earlybird_target_up", "target", "small")).isEqualTo(1);
    control();
  }

  @Test
  @Order(8)
  void nameStopsResolvingAndResolvesAgain() throws Exception {
    String marker = "SELECT count(*) FROM pg_catalog.pg_cast WHERE oid > 0";
    run(shared, "fault_moving", marker, 3);
    awaitStoredCalls("moving", "fault_moving", "pg_cast", 3);
    Files.writeString(hosts, "# " + HOST + " removed\n");
    first.cut();
    await("dns errors").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_poll_errors_total", "target", "moving", "reason", "dns") > 0);
    run(shared, "fault_moving", marker, 2);
    pointName("127.0.0.2");
    awaitUp("moving");
    awaitStoredCalls("moving", "fault_moving", "pg_cast", 5);
    assertThat(logLines("target moving: poll failed \\(dns\\).*" + Pattern.quote(HOST))).isEqualTo(1);
    control();
  }

  @Test
  @Order(9)
  void failoverToAnotherServerStartsItsCountersAfresh() throws Exception {
    String marker = "SELECT count(*) FROM pg_catalog.pg_language WHERE oid > 0";
    run(shared, "fault_moving", marker, 3);
    awaitStoredCalls("moving", "fault_moving", "pg_language", 3);
    // The other server has run the statement far more often: a plain difference would invent those calls.
    run(own, "fault_moving", marker, 50);
    pointName("127.0.0.3");
    first.cut();
    await("the switch is noticed").atMost(Duration.ofSeconds(20))
        .until(() -> metric("earlybird_target_server_changes_total", "target", "moving") == 1);
    run(own, "fault_moving", marker, 4);
    awaitStoredCalls("moving", "fault_moving", "pg_language", 7);
    assertThat(logLines("target moving: now answered by another server")).isEqualTo(1);
    control();
  }

  @Test
  @Order(10)
  void noSecretInTheLogAndControlNeverDisturbed() throws Exception {
    assertThat(agent.log()).doesNotContain(PASSWORD);
    assertThat(scrape()).doesNotContain(PASSWORD);
    assertThat(errorsOf("control")).isZero();
    assertThat(metric("earlybird_target_server_changes_total", "target", "control")).isZero();
    assertThat(agent.isAlive()).isTrue();
  }

  /** Runs a few statements on the control target, which must store them exactly, whatever the others go through. */
  private void control() throws Exception {
    run(shared, "fault_control", "SELECT count(*) FROM pg_catalog.pg_tablespace WHERE oid > 0", 2);
    controlCalls += 2;
    awaitStoredCalls("control", "fault_control", "pg_tablespace", controlCalls);
    assertThat(metric("earlybird_target_up", "target", "control")).isEqualTo(1);
  }

  private void pointName(String address) throws IOException {
    Files.writeString(hosts, address + " " + HOST + "\n");
  }

  private static void run(PgServer server, String database, String sql, int times) {
    String[] statements = new String[times];
    java.util.Arrays.fill(statements, sql);
    server.execute(database, statements);
  }

  private void awaitUp(String target) {
    await(target + " up again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> target(target).get("up").asBoolean() && metric("earlybird_target_up", "target", target) == 1);
  }

  private void awaitStoredCalls(String target, String database, String relation, long calls) {
    await(calls + " calls on " + relation + " stored for " + target).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(() -> assertThat(storedCalls(target, database, relation)).isEqualTo(calls));
  }

  private long storedCalls(String target, String database, String relation) throws Exception {
    Instant now = Instant.now();
    JsonNode hot = agent.json("/api/v1/hot-queries?target=" + target + "&database=" + database + "&limit=1000&from="
        + now.minus(Duration.ofHours(1)) + "&to=" + now.plus(Duration.ofMinutes(1)));
    long sum = 0;
    for (JsonNode q : hot.get("queries")) {
      if (q.path("query").asText("").contains(relation)) {
        sum += q.get("calls").asLong();
      }
    }
    return sum;
  }

  private JsonNode target(String name) throws Exception {
    for (JsonNode t : agent.json("/api/v1/targets")) {
      if (t.get("name").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no target " + name);
  }

  private String scrape() throws Exception {
    return agent.get("/metrics");
  }

  /** The sum of the samples of {@code name} whose labels include every given pair. */
  private double metric(String name, String... labels) throws Exception {
    double sum = 0;
    for (String line : scrape().lines().toList()) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private double errorsOf(String target) throws Exception {
    return metric("earlybird_poll_errors_total", "target", target, "source", "pg_stat_statements");
  }

  private long logLines(String regex) throws IOException {
    Pattern p = Pattern.compile(regex);
    return agent.log().lines().filter(l -> p.matcher(l).find()).count();
  }
}
