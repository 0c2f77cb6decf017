package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.analysis.PlanShape;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PlanAttempt;
import dev.earlybird.history.StatementRef;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.Subject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A statement's plans and advice over HTTP: the plans API, a regression's plan change, the statement page. */
class PlansWebTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
  static final long QUERY_ID = -8_646_911_284_551_352_320L;
  static final StatementRef S = new StatementRef("pg1", 5, QUERY_ID);
  static final Subject.Statement SUBJECT = new Subject.Statement("pg1", 5, "tenant_acme", "acme", QUERY_ID, "abc");

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  WebServer web;
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW);
    writer = new HistoryWriter(store, 8);
    store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 5, "tenant_acme")));
    store.saveTexts(List.of(new StatementText("pg1", 5, QUERY_ID,
        "SELECT id, status FROM orders WHERE customer_id = $1 /* <script>x</script> */", false, "abc")));
    TenantsConfig tenants = TenantsConfig.DEFAULT;
    InstantSource clock = InstantSource.fixed(NOW);
    FleetState fleet = new FleetState(List.of("pg1"));
    Api api = new Api(fleet, new HotList(store, tenants, dev.earlybird.config.BaselineConfig.defaults()), tenants, clock);
    BaselineApi baselines =
        new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), Optional.empty());
    PlansApi plans = new PlansApi(store.advisor());
    FindingsApi findings = new FindingsApi(store, plans);
    QueriesApi queries = new QueriesApi(store, tenants, clock, plans);
    web = new WebServer(api, findings, queries, baselines, new Pages(fleet, api, baselines, findings, queries),
        new AgentMetrics("test"), new Readiness(store.health())).start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = PlansWebTest.class.getResourceAsStream("/plans/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  void plan(Instant at, String resource) throws IOException {
    String text = resource(resource);
    PlanShape shape = PlanShape.parse(text);
    store.advisor().recordPlan(new PlanAttempt(S, at, PlanAttempt.PLANNED, null, shape.hash(), shape.totalCost(), text));
  }

  JsonNode getJson(String path) throws Exception {
    var r = WebServerTest.send(web, "GET", path, null, null);
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  @Test
  void plansAreListedByShapeTheLatestFirstWithTheirNodesAndASkipSaysWhy() throws Exception {
    plan(NOW.minusSeconds(7200), "index-scan-customer-pg15.json");
    plan(NOW.minusSeconds(600), "seq-scan-customer-pg15.json");
    JsonNode body = getJson("/api/v1/queries/pg1/tenant_acme/" + QUERY_ID + "/plans");
    assertThat(body.get("queryId").asText()).isEqualTo(Long.toString(QUERY_ID));
    assertThat(body.get("plans")).hasSize(2);
    JsonNode latest = body.get("plans").get(0);
    assertThat(latest.at("/plan/0/Plan/Node Type").asText()).isEqualTo("Seq Scan");
    assertThat(latest.get("nodes").get(0).asText()).startsWith("Seq Scan on public.orders")
        .contains("Filter: (orders.customer_id = $1)");
    assertThat(body.get("skipped").isNull()).isTrue();

    store.advisor().recordPlan(new PlanAttempt(S, NOW, "ambiguous_type",
        "SQLSTATE 42P18: could not determine data type of parameter $1", null, Double.NaN, null));
    body = getJson("/api/v1/queries/pg1/tenant_acme/" + QUERY_ID + "/plans");
    assertThat(body.get("plans")).as("earlier plans stay").hasSize(2);
    assertThat(body.at("/skipped/reason").asText()).isEqualTo("ambiguous_type");

    assertThat(WebServerTest.send(web, "GET", "/api/v1/queries/pg1/nope/" + QUERY_ID + "/plans", null, null)
        .statusCode()).isEqualTo(404);
    assertThat(WebServerTest.send(web, "GET", "/api/v1/queries/pg1/tenant_acme/abc/plans", null, null)
        .statusCode()).isEqualTo(400);
  }

  @Test
  void aRegressionWhosePlanShapeChangedSaysHowAndThePageShowsAdviceAndPlanEscaped() throws Exception {
    plan(NOW.minusSeconds(7200), "index-scan-customer-pg15.json");
    plan(NOW.minusSeconds(600), "seq-scan-customer-pg15.json");
    var regression = new Finding("r-1", "r", Severity.WARNING, FindingState.ACTIVE, SUBJECT, "slower",
        NOW.minusSeconds(900), NOW, Optional.empty(), 2, 0,
        new Evidence.Regression("rolling", 0.1, 30, 500, 500, 0.01, 300, 0.0001, 120, "exec_time"));
    var advice = new Finding("a-1", "a", Severity.INFO, FindingState.ACTIVE, SUBJECT, "reads all of public.orders",
        NOW.minusSeconds(900), NOW, Optional.empty(), 2, 0,
        new Evidence.Advice("missing_index", "reads all of public.orders <b>: index it",
            "CREATE INDEX CONCURRENTLY ON public.orders (customer_id)", Map.of("tableRows", 200_000.0),
            new Evidence.Hypothetical(4369, 147.3, 96.6), List.of(), null, null));
    store.recordEvaluation(NOW, List.of(regression, advice), List.of());

    JsonNode findings = getJson("/api/v1/findings?kind=regression").get("findings");
    JsonNode change = findings.get(0).at("/evidence/planChange");
    assertThat(findings.get(0).at("/evidence/afterMeanMs").asDouble()).as("the regression's own numbers stay").isEqualTo(30);
    assertThat(change.get("afterShapeHash").asText()).isNotEqualTo(change.get("beforeShapeHash").asText());
    assertThat(change.get("changed").toString()).contains("Seq Scan").contains("orders");
    assertThat(getJson("/api/v1/findings?kind=advice").get("findings").get(0).at("/evidence/planChange").isMissingNode())
        .as("only regressions carry a plan change").isTrue();

    String page = WebServerTest.timesAsText(
        WebServerTest.send(web, "GET", "/queries/pg1/tenant_acme/" + QUERY_ID, null, null).body());
    assertThat(page).contains("missing_index").contains("index it")
        .contains("CREATE INDEX CONCURRENTLY ON public.orders (customer_id)")
        .contains("HypoPG: plan cost 4369.0 without the index, 147.3 with it (97% lower)")
        .contains("Seq Scan on public.orders")
        .doesNotContain("<b>:").doesNotContain("<script>x")
        .as("times to the second, as people read them").contains("this one last seen 2026-12-07 05:50:00 UTC")
        .doesNotContainPattern(">[^<]*\\d\\d:\\d\\d:\\d\\d\\.\\d");
  }
}
