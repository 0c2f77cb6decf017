package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.testing.SystemPgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuning advisor end to end, with the real jar on Debian's PostgreSQL 15 and Debian's HypoPG
 * ({@code postgresql-15-hypopg}, listed in {@code .ci/apt-packages}: without it this test fails, it does not skip).
 * Four same-schema tenants; tenant_d never got the {@code orders(customer_id)} index the other three have, so its
 * customer lookup scans 200k rows. The advisor must say so (a missing index HypoPG confirms, linked to the fleet drift
 * as its cause), keep quiet where an index would not help, show the plan, flag {@code track_io_timing = off}, and,
 * once the test builds the advised index as a DBA would, prove it worked: applied, improved, drift resolved.
 */
class AdvisorIT {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Path HYPOPG_LIBRARY = Path.of("/usr/lib/postgresql/15/lib/hypopg.so");
  private static final String TARGET = "pg15";
  private static final List<String> TENANTS = List.of("tenant_a", "tenant_b", "tenant_c", "tenant_d");
  private static final String LACKING = "tenant_d";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An index on orders (customer_id), however the advisor words it (CONCURRENTLY, schema, USING btree). */
  private static final Pattern CUSTOMER_INDEX = Pattern.compile(
      "(?is)\\s*CREATE\\s+INDEX\\b.*\\bON\\s+(?:ONLY\\s+)?(?:\"?public\"?\\.)?\"?orders\"?(?!\\w).*\\(\\s*\"?customer_id\"?\\s*\\).*");
  private static final String PARAMETER = Integer.toString(OrdersFleet.DISTINCT_CUSTOMER);

  private static SystemPgServer server;
  private static OrdersFleet load;

  @BeforeAll
  static void start() {
    assertThat(HYPOPG_LIBRARY)
        .as("HypoPG for PostgreSQL 15: apt-get install postgresql-15-hypopg (.ci/apt-packages lists it)")
        .exists();
    // track_io_timing off: the settings advice must notice (the harness default is on).
    server = SystemPgServer.start(BIN, Map.of("track_io_timing", "off"));
    server.execute("postgres", "CREATE EXTENSION pg_stat_statements");
    OrdersFleet.create(server, TENANTS, List.of(LACKING));
    load = new OrdersFleet(server, TENANTS);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (load != null) {
      load.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static String config(int port, Path store) {
    String url = server.jdbcUrl("postgres");
    // The advisor's own url is the same server: a stand-in for a replica, so the key is exercised.
    return """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 2s }
        advisor:
          enabled: true
          interval: 10s
          catalogRefresh: 10s
          maxPlansPerTarget: 20
          minCostReduction: 50
          statementTimeout: 2s
        targets:
          - name: %s
            url: "%s"
            user: postgres
            databases: { include: ["^tenant_"] }
            advisor: { enabled: true, url: "%s" }
        analysis:
          hot: { top: 25, findings: 25 }
          baseline: { mode: rolling, lookback: 20s }
          regression: { window: 5s, minCalls: 20, minRatio: 1.5, minExtraPerHour: 100ms, persistence: 2, resolveAfter: 2 }
          outlier: { minRatio: 3, minDatabases: 4 }
        """.formatted(port, store, TARGET, url, url);
  }

  @Test
  void aMissingTenantIndexIsAdvisedConfirmedAppliedAndProvedToHelp(@TempDir Path dir) throws Exception {
    int port = AgentProcess.freePort();
    Path configFile = dir.resolve("earlybird.yml");
    Files.writeString(configFile, config(port, dir.resolve("store.duckdb")));
    Path log = dir.resolve("agent.log");
    try (AgentProcess agent = AgentProcess.run(configFile, port, log)) {
      steps(agent);
    } catch (AssertionError | RuntimeException e) {
      // Also when the agent does not start: its log says why (a config key it refuses, a failed check).
      throw new AssertionError(e.getMessage() + "\n--- end of the agent's log:\n" + tail(Files.readString(log), 60), e);
    }
  }

  private void steps(AgentProcess agent) throws Exception {
    String ordersD = queryId(LACKING, OrdersFleet.ORDERS);
    String ordersA = queryId("tenant_a", OrdersFleet.ORDERS);
    String settingD = queryId(LACKING, OrdersFleet.SETTING);

    // 1 + 2. The scan of 200k rows in tenant_d gets a missing index that HypoPG confirmed, and the fleet drift (the
    // other three tenants have that index) is named as its cause: the advice a DBA acts on, with the proof it is worth
    // it and the reason it happened.
    awaitAdvice(agent, "missing index in tenant_d, confirmed by HypoPG and related to the fleet drift").untilAsserted(() -> {
      List<JsonNode> advice = findings(agent, "/api/v1/findings?kind=advice&state=active");
      JsonNode missing = only(advice, "missing_index", f -> isStatement(f, LACKING, ordersD));
      JsonNode drift = only(advice, "fleet_index_drift", f -> true);
      assertThat(missing.at("/evidence/ddl").asText()).matches(CUSTOMER_INDEX);
      JsonNode hypothetical = missing.at("/evidence/hypothetical");
      assertThat(hypothetical.isObject()).as("evidence.hypothetical of %s", missing).isTrue();
      assertThat(hypothetical.get("reductionPct").asDouble()).isGreaterThanOrEqualTo(50);
      assertThat(hypothetical.get("costAfter").asDouble()).isLessThan(hypothetical.get("costBefore").asDouble());
      assertThat(drift.at("/evidence/databases").toString()).as("databases lacking the index")
          .isEqualTo("[\"" + TARGET + "/" + LACKING + "\"]");
      assertThat(drift.at("/evidence/ddl").asText()).matches(CUSTOMER_INDEX);
      assertThat(missing.at("/evidence/related").asText()).as("related").isEqualTo(drift.get("fingerprint").asText());
    });

    // 3 + 4. The advisor planned the statements where an index would not help (tenant_a's lookup already uses its
    // index; settings_kv has 50 rows) and advised nothing for them: the silence is a judgment, not a statement never
    // looked at. tenant_d's stored plan shows the Seq Scan on orders behind the advice.
    awaitAdvice(agent, "plans of tenant_d's and tenant_a's lookups and of the settings_kv lookup").untilAsserted(() -> {
      assertThat(plans(agent, LACKING, ordersD)).anySatisfy(p -> assertThat(hasNode(p, "Seq Scan", "orders")).isTrue());
      assertThat(plans(agent, "tenant_a", ordersA)).anySatisfy(p -> assertThat(hasNode(p, "Seq Scan", "orders")).isFalse());
      assertThat(plans(agent, LACKING, settingD)).anySatisfy(p -> assertThat(hasNode(p, "Seq Scan", "settings_kv")).isTrue());
    });
    List<JsonNode> advice = advice(agent);
    assertThat(advice).filteredOn(f -> rule(f).equals("missing_index"))
        .as("missing_index advice other than tenant_d's orders lookup")
        .allSatisfy(f -> assertThat(isStatement(f, LACKING, ordersD)).as("%s", f).isTrue());
    assertThat(advice).filteredOn(f -> rule(f).equals("fleet_index_drift"))
        .as("drift advice: only tenant_d lacks an index")
        .allSatisfy(f -> assertThat(f.at("/evidence/databases").toString()).isEqualTo("[\"pg15/tenant_d\"]"));

    // 5. track_io_timing is off on the server: settings advice about the target (no database), so a DBA knows the CPU
    // figures are guessed from execution time.
    awaitAdvice(agent, "settings advice about track_io_timing").untilAsserted(() ->
        assertThat(advice(agent)).anySatisfy(f -> {
          assertThat(rule(f)).isEqualTo("settings");
          assertThat(f.get("target").asText()).isEqualTo(TARGET);
          assertThat(f.hasNonNull("database")).as("a target's finding has no database").isFalse();
          assertThat(f.at("/evidence/advice").asText()).contains("track_io_timing");
        }));

    // 7. The statement page shows the advice and its DDL, HTML-escaped; and no parameter value the workload sent
    // reaches advice, plans, pages or the log (plans are generic, texts normalized).
    JsonNode missing = latest(agent, "missing_index", f -> isStatement(f, LACKING, ordersD));
    String ddl = missing.at("/evidence/ddl").asText();
    String page = agent.get("/queries/" + TARGET + "/" + LACKING + "/" + ordersD);
    assertThat(page).contains(html(missing.at("/evidence/advice").asText())).contains(html(ddl)).contains("Seq Scan");
    List<String> seen = new ArrayList<>(List.of(page, agent.get("/api/v1/findings?kind=advice"), agent.log()));
    for (String[] statement : List.of(new String[] {LACKING, ordersD}, new String[] {"tenant_a", ordersA},
        new String[] {LACKING, settingD})) {
      seen.add(agent.get(plansPath(statement[0], statement[1])));
      seen.add(agent.get("/queries/" + TARGET + "/" + statement[0] + "/" + statement[1]));
    }
    assertThat(seen).noneMatch(text -> text.contains(PARAMETER));

    // 6. Did it work? The test builds the advised index in tenant_d with the advice's own DDL, as a DBA would. The
    // advice moves to applied, then its before/after evidence shows the lookup got significantly faster; the drift
    // is gone, so its advice resolves.
    String drift = latest(agent, "fleet_index_drift", f -> true).get("fingerprint").asText();
    String fingerprint = missing.get("fingerprint").asText();
    server.execute(LACKING, ddl);
    awaitAdvice(agent, "the missing index advice applied").untilAsserted(() -> {
      assertThat(latest(agent, "missing_index", f -> f.get("fingerprint").asText().equals(fingerprint))
          .get("state").asText()).isEqualTo("applied");
      assertThat(findings(agent, "/api/v1/findings?kind=advice&state=applied"))
          .anySatisfy(f -> assertThat(f.get("fingerprint").asText()).isEqualTo(fingerprint));
    });
    awaitAdvice(agent, "the applied index judged improved, and the drift resolved").untilAsserted(() -> {
      JsonNode applied = latest(agent, "missing_index", f -> f.get("fingerprint").asText().equals(fingerprint))
          .at("/evidence/applied");
      assertThat(applied.get("verdict").asText()).as("verdict of %s", applied).isEqualTo("improved");
      assertThat(latest(agent, "fleet_index_drift", f -> f.get("fingerprint").asText().equals(drift))
          .get("state").asText()).isEqualTo("resolved");
    });
    JsonNode applied = latest(agent, "missing_index", f -> f.get("fingerprint").asText().equals(fingerprint))
        .at("/evidence/applied");
    assertThat(Instant.parse(applied.get("absentAt").asText())).isBeforeOrEqualTo(Instant.parse(applied.get("seenAt").asText()));
    assertThat(applied.at("/before/calls").asLong()).isPositive();
    assertThat(applied.at("/after/calls").asLong()).isPositive();
    assertThat(applied.at("/after/meanMs").asDouble()).isGreaterThan(0).isLessThan(applied.at("/before/meanMs").asDouble());
    assertThat(applied.get("pValue").asDouble()).isBetween(0.0, 0.01);

    // The advisor's own work is visible to Prometheus: plans made on the target, and how long passes take.
    String metrics = agent.get("/metrics");
    assertThat(metrics).containsPattern("earlybird_advisor_plans_total\\{outcome=\"planned\",target=\"pg15\"\\} [1-9]")
        .contains("earlybird_advisor_pass_duration_seconds_count");
  }

  private static ConditionFactory awaitAdvice(AgentProcess agent, String what) {
    return await(what).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .failFast("agent exited", () -> !agent.alive());
  }

  /** All advice, every state (an advice that resolves and comes back shares its fingerprint). */
  private static List<JsonNode> advice(AgentProcess agent) throws Exception {
    return findings(agent, "/api/v1/findings?kind=advice");
  }

  private static List<JsonNode> findings(AgentProcess agent, String path) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    agent.json(path).get("findings").forEach(out::add);
    return out;
  }

  private static String rule(JsonNode finding) {
    return finding.at("/evidence/rule").asText();
  }

  private static boolean isStatement(JsonNode finding, String database, String queryId) {
    return finding.path("target").asText().equals(TARGET) && finding.path("database").asText().equals(database)
        && finding.path("queryId").asText().equals(queryId);
  }

  /** The one occurrence of {@code rule} advice that matches; fails if there is none or several. */
  private static JsonNode only(List<JsonNode> advice, String rule, Predicate<JsonNode> which) {
    List<JsonNode> matching = advice.stream().filter(f -> rule(f).equals(rule) && which.test(f)).toList();
    assertThat(matching).as("%s advice among %s", rule, brief(advice)).hasSize(1);
    return matching.getFirst();
  }

  /** The latest occurrence (by {@code since}) of the matching {@code rule} advice. */
  private static JsonNode latest(AgentProcess agent, String rule, Predicate<JsonNode> which) throws Exception {
    List<JsonNode> advice = advice(agent);
    Optional<JsonNode> latest = advice.stream().filter(f -> rule(f).equals(rule) && which.test(f))
        .max(Comparator.comparing(f -> Instant.parse(f.get("since").asText())));
    assertThat(latest).as("%s advice among %s", rule, brief(advice)).isPresent();
    return latest.get();
  }

  /** Rule, state and subject of each finding: what a failure message needs, without every evidence in full. */
  private static List<String> brief(List<JsonNode> findings) {
    return findings.stream().map(f -> rule(f) + " " + f.path("state").asText() + " " + f.path("target").asText() + "/"
        + f.path("database").asText() + "/" + f.path("queryId").asText()).toList();
  }

  private static String plansPath(String database, String queryId) {
    return "/api/v1/queries/" + TARGET + "/" + database + "/" + queryId + "/plans";
  }

  /** The EXPLAIN JSON of each plan stored for the statement. */
  private static List<JsonNode> plans(AgentProcess agent, String database, String queryId) throws Exception {
    JsonNode body = agent.json(plansPath(database, queryId));
    assertThat(body.get("queryId").asText()).isEqualTo(queryId);
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : body.get("plans")) {
      JsonNode plan = p.get("plan");
      out.add(plan.isTextual() ? JSON.readTree(plan.asText()) : plan);
    }
    return out;
  }

  /** Whether some node of the EXPLAIN JSON is a {@code nodeType} on {@code relation}. */
  private static boolean hasNode(JsonNode plan, String nodeType, String relation) {
    if (plan.isObject() && nodeType.equals(plan.path("Node Type").asText())
        && relation.equals(plan.path("Relation Name").asText())) {
      return true;
    }
    for (JsonNode child : plan) {
      if (hasNode(child, nodeType, relation)) {
        return true;
      }
    }
    return false;
  }

  /** The statement's queryid in {@code database}, as the API writes it, from pg_stat_statements itself. */
  private static String queryId(String database, String jdbcSql) throws SQLException {
    String text = jdbcSql.replace("?", "$1");
    try (Connection c = server.superuser("postgres");
        PreparedStatement ps = c.prepareStatement("""
            SELECT s.queryid FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = ? AND s.query = ? AND s.toplevel""")) {
      ps.setString(1, database);
      ps.setString(2, text);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("pg_stat_statements entry for %s in %s", text, database).isTrue();
        return Long.toString(rs.getLong(1));
      }
    }
  }

  /** As jte escapes HTML content. */
  private static String html(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String tail(String log, int lines) {
    List<String> all = log.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
