package dev.earlybird.web;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.Secret;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.TargetStatus;
import dev.earlybird.model.DatabaseInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP surface over a real DuckDB store and a real Javalin server on a free port. */
class WebServerTest {
  static final Instant NOW = Instant.parse("2026-11-20T06:00:00Z");
  static final String EVIL = "<script>alert('x')</script>";
  static final long QUERY_ID = -8_646_911_284_551_352_320L; // below -2^53: must survive JSON as a string

  static final String TOKEN = "s3cret-t0ken-for-tests";

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  FleetState fleet;
  AgentMetrics metrics;
  WebServer web;
  Readiness readiness;
  HttpClient http = HttpClient.newHttpClient();
  ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW.plusSeconds(1));
    readiness = new Readiness(store.health());
    writer = new HistoryWriter(store, 8);
    StatementKey key = new StatementKey("pg1", 5, 10, QUERY_ID, true);
    Counters c =
        new Counters(CounterValues.ZERO.with(Counter.CALLS, 4)
                .with(Counter.EXEC_MS, 40)
                .with(Counter.ROWS, 4), 10, 1, 0, 0, null, OptionalDouble.empty());
    Snapshot snap = new Snapshot("pg1", NOW, Optional.empty(), OptionalLong.empty(), Map.of(key, c));
    StatementInterval i = new StatementInterval(key, NOW.minusSeconds(60), NOW,
            CounterValues.ZERO.with(Counter.CALLS, 4)
            .with(Counter.EXEC_MS, 40)
            .with(Counter.EXEC_SUMSQ_MS, 404)
            .with(Counter.ROWS, 4)
            .with(Counter.IO_READ_MS, 10), OptionalDouble.empty());
    store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 5, "tenant_acme")));
    store.saveTexts(List.of(new StatementText("pg1", 5, QUERY_ID, "SELECT '" + EVIL + "'", false, "abc")));
    store.recordPoll(PollRecord.success(snap, List.of(i), true));
    fleet = new FleetState(List.of("pg1", "pg2"));
    fleet.update("pg1", s -> new TargetStatus("pg1", true, NOW, "17.4", 1, null, true, null, 0));
    fleet.update("pg2", s -> new TargetStatus("pg2", false, null, null, 0, "connect: " + EVIL, false, null, 0));
    metrics = new AgentMetrics("test");
    metrics.registerTarget("pg1");
    web = server(Optional.of(new Secret(TOKEN)));
  }

  /** Wired like the agent does, on a free port. */
  private WebServer server(Optional<Secret> token) {
    TenantsConfig tenants = TenantsConfig.DEFAULT;
    InstantSource clock = InstantSource.fixed(NOW.plusSeconds(1));
    Api api =
        new Api(fleet, new HotList(store, tenants, dev.earlybird.config.BaselineConfig.defaults()), tenants, clock);
    BaselineApi baselines = new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), token);
    FindingsApi findingsApi = new FindingsApi(store);
    QueriesApi queriesApi = new QueriesApi(store, tenants, clock);
    return new WebServer(api, findingsApi, queriesApi, baselines, new Pages(fleet, api, baselines, findingsApi, queriesApi),
        metrics, readiness).start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path)).timeout(Duration.ofSeconds(5));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request to {@code server}, with {@code Authorization: auth} unless null (the alerting tests use it too). */
  static HttpResponse<String> send(WebServer server, String method, String path, String body, String auth)
      throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String pinBody(String name, String from, String to) {
    return "{\"name\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"target\": \"pg1\"}".formatted(name, from, to);
  }

  private static final String BEARER = "Bearer " + TOKEN;
  private static final String HOUR = pinBody("before", "2026-11-20T05:00:00Z", "2026-11-20T06:00:00Z");

  @Test
  void writeActionsNeedTheConfiguredToken() throws Exception {
    HttpResponse<String> none = send(web, "POST", "/api/v1/baselines", HOUR, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(json.readTree(none.body()).get("error").asText()).contains("Authorization: Bearer");
    HttpResponse<String> wrong = send(web, "POST", "/api/v1/baselines", HOUR, "Bearer " + TOKEN + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(TOKEN);
    assertThat(send(web, "DELETE", "/api/v1/baselines/before", null, "Bearer nope").statusCode()).isEqualTo(401);
    assertThat(store.baselines()).isEmpty();

    WebServer noToken = server(Optional.empty());
    try {
      HttpResponse<String> forbidden = send(noToken, "POST", "/api/v1/baselines", HOUR, BEARER);
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(json.readTree(forbidden.body()).get("error").asText()).isEqualTo("set web.token to enable write actions");
      assertThat(send(noToken, "DELETE", "/api/v1/baselines/before", null, BEARER).statusCode()).isEqualTo(403);
      assertThat(send(noToken, "GET", "/api/v1/baselines", null, null).statusCode()).as("reads stay open").isEqualTo(200);
      assertThat(send(noToken, "POST", "/-/reload", null, BEARER).statusCode()).as("reload").isEqualTo(403);
    } finally {
      noToken.close();
    }
  }

  @Test
  void reloadNeedsTheTokenAndAnswersAConfigProblemWith400AndTheProblems() throws Exception {
    assertThat(send(web, "POST", "/-/reload", null, null).statusCode()).isEqualTo(401);
    assertThat(send(web, "POST", "/-/reload", null, "Bearer nope").statusCode()).isEqualTo(401);
    // This server was wired without a config file (like the demo): reloading is a config problem, said as such.
    HttpResponse<String> r = send(web, "POST", "/-/reload", null, BEARER);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("error").asText()).contains("keeps running on the previous one");
    assertThat(body.get("problems").get(0).asText()).contains("no file to reload");
  }

  @Test
  void baselinesArePinnedListedComparedAndDeletedOverHttp() throws Exception {
    assertThat(json.readTree(get("/api/v1/baselines", null).body()).get("baselines")).isEmpty();
    HttpResponse<String> created = send(web, "POST", "/api/v1/baselines", HOUR, BEARER);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode b = json.readTree(created.body());
    assertThat(b.get("name").asText()).isEqualTo("before");
    assertThat(b.get("target").asText()).isEqualTo("pg1");
    assertThat(b.get("from").asText()).isEqualTo("2026-11-20T05:00:00Z");
    assertThat(b.get("created").asText()).isEqualTo("2026-11-20T06:00:01Z");
    assertThat(b.get("statements").asLong()).isEqualTo(1);
    assertThat(json.readTree(get("/api/v1/baselines", null).body()).get("baselines").get(0).get("name").asText()).isEqualTo("before");

    assertThat(send(web, "POST", "/api/v1/baselines", HOUR, BEARER).statusCode()).as("name taken").isEqualTo(409);
    HttpResponse<String> badName = send(web, "POST", "/api/v1/baselines", pinBody("no spaces", "2026-11-20T05:00:00Z", "2026-11-20T06:00:00Z"), BEARER);
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badName.body()).get("error").asText()).contains("letters, digits");
    HttpResponse<String> future = send(web, "POST", "/api/v1/baselines", pinBody("later", "2026-11-20T05:00:00Z", "2026-11-20T07:00:00Z"), BEARER);
    assertThat(future.statusCode()).isEqualTo(400);
    assertThat(future.body()).contains("in the past");
    assertThat(send(web, "POST", "/api/v1/baselines", "{\"name\": \"x\"", BEARER).statusCode()).isEqualTo(400);
    HttpResponse<String> badTime = send(web, "POST", "/api/v1/baselines", pinBody("x", "yesterday", "2026-11-20T06:00:00Z"), BEARER);
    assertThat(json.readTree(badTime.body()).get("error").asText()).contains("'from'", "2026-11-20T06:00:00Z");

    JsonNode cmp = json.readTree(get("/api/v1/baselines/before/compare?from=2026-11-20T05:00:00Z&to=2026-11-20T07:00:00Z", null).body());
    assertThat(cmp.get("baseline").get("name").asText()).isEqualTo("before");
    assertThat(cmp.get("from").asText()).isEqualTo("2026-11-20T05:00:00Z");
    JsonNode change = cmp.get("changes").get(0);
    assertThat(change.get("queryId").asText()).isEqualTo(Long.toString(QUERY_ID));
    assertThat(change.get("status").asText()).isEqualTo("both");
    assertThat(change.get("beforeMeanMs").asDouble()).isEqualTo(10);
    assertThat(change.get("afterMeanMs").asDouble()).isEqualTo(10);
    assertThat(change.get("ratio").asDouble()).isEqualTo(1);
    assertThat(change.get("extraMs").asDouble()).isZero();
    assertThat(change.get("afterCpuMs").asDouble()).isEqualTo(30);
    assertThat(change.get("cpuSource").asText()).isEqualTo("exec_minus_io");
    assertThat(change.get("tenant").asText()).isEqualTo("acme");
    assertThat(get("/api/v1/baselines/nope/compare", null).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/baselines/before/compare?limit=0", null).statusCode()).isEqualTo(400);

    assertThat(send(web, "DELETE", "/api/v1/baselines/before", null, BEARER).statusCode()).isEqualTo(204);
    assertThat(send(web, "DELETE", "/api/v1/baselines/before", null, BEARER).statusCode()).isEqualTo(404);
    assertThat(store.baselines()).isEmpty();
  }

  @Test
  void hotAndBaselinePagesShowWhatTheApiSaysEscaped() throws Exception {
    HttpResponse<String> hot = get("/hot?from=2026-11-20T05:00:00Z&to=2026-11-20T07:00:00Z&tenant=acme", null);
    assertThat(hot.statusCode()).isEqualTo(200);
    assertThat(hot.body()).contains("tenant_acme", "<code>SELECT '&lt;script&gt;", "10.0 ms", "100.0%", "href=\"/baselines\"")
        .doesNotContain(EVIL);
    HttpResponse<String> bad = get("/hot?date=someday", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("'date' must be a calendar date");

    store.pinBaseline("before", Optional.empty(), NOW.minusSeconds(3600), NOW);
    assertThat(get("/baselines", null).body()).contains("<a href=\"/baselines/before\">before</a>", "all");
    HttpResponse<String> page = get("/baselines/before?from=2026-11-20T05:00:00Z&to=2026-11-20T07:00:00Z", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("1.00x", "&lt;script&gt;").doesNotContain(EVIL)
        .as("before and after side by side, significance, a link to the statement")
        .contains("4 → 4", "10.0 ms → 10.0 ms", "no, p 0.50", "href=\"/queries/pg1/tenant_acme/" + QUERY_ID + "\"")
        .contains("href=\"/api/v1/baselines/before/compare\"");
    assertThat(get("/baselines/nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void healthIsAlwaysOkAndReadinessFollowsTheFlag() throws Exception {
    assertThat(get("/-/healthy", null).statusCode()).isEqualTo(200);
    assertThat(get("/-/ready", null).statusCode()).isEqualTo(503);
    readiness.set(true);
    assertThat(get("/-/ready", null).statusCode()).isEqualTo(200);
  }

  @Test
  void targetsListEveryTargetWithTheContractFields() throws Exception {
    JsonNode t = json.readTree(get("/api/v1/targets", null).body());
    assertThat(t).hasSize(2);
    assertThat(t.get(0).get("name").asText()).isEqualTo("pg1");
    assertThat(t.get(0).get("up").asBoolean()).isTrue();
    assertThat(t.get(0).get("lastPollAt").asText()).isEqualTo("2026-11-20T06:00:00Z");
    assertThat(t.get(0).get("serverVersion").asText()).isEqualTo("17.4");
    assertThat(t.get(0).get("statements").asInt()).isEqualTo(1);
    assertThat(t.get(1).get("up").asBoolean()).isFalse();
    assertThat(t.get(1).get("lastError").asText()).contains("connect");
    assertThat(t.get(0).get("discovered").asBoolean()).isFalse();
    assertThat(t.get(0).get("aws").isNull()).isTrue();
  }

  @Test
  void discoveredTargetsSaySoAndCarryTheirAwsIds() throws Exception {
    fleet.add("aurora-1", new FleetState.Origin(true, Optional.of(new dev.earlybird.config.AwsConfig("us-east-1",
        Optional.of("db-ABC"), Optional.of("aurora-1"), Optional.of(URI.create("http://127.0.0.1:4566")),
        Optional.of("orders"), Map.of(), true))));
    JsonNode t = json.readTree(get("/api/v1/targets", null).body());
    JsonNode aurora = t.get(0);
    assertThat(aurora.get("name").asText()).isEqualTo("aurora-1");
    assertThat(aurora.get("up").asBoolean()).isFalse();
    assertThat(aurora.get("lastPollAt").isNull()).isTrue();
    assertThat(aurora.get("discovered").asBoolean()).isTrue();
    assertThat(aurora.get("aws").get("region").asText()).isEqualTo("us-east-1");
    assertThat(aurora.get("aws").get("dbiResourceId").asText()).isEqualTo("db-ABC");
    assertThat(aurora.get("aws").get("dbInstanceIdentifier").asText()).isEqualTo("aurora-1");
    assertThat(aurora.get("aws").get("dbClusterIdentifier").asText()).isEqualTo("orders");
    assertThat(aurora.get("aws").has("endpoint")).isFalse();
    fleet.remove("aurora-1");
    assertThat(json.readTree(get("/api/v1/targets", null).body())).hasSize(2);
  }

  @Test
  void hotQueriesCarryTheQueryIdAsAStringAndCpuFromExecMinusIo() throws Exception {
    JsonNode body = json.readTree(get("/api/v1/hot-queries?from=2026-11-20T05:00:00Z&to=2026-11-20T07:00:00Z", null).body());
    assertThat(body.get("from").asText()).isEqualTo("2026-11-20T05:00:00Z");
    JsonNode q = body.get("queries").get(0);
    assertThat(q.get("queryId").isTextual()).isTrue();
    assertThat(q.get("queryId").asText()).isEqualTo(Long.toString(QUERY_ID));
    assertThat(q.get("database").asText()).isEqualTo("tenant_acme");
    assertThat(q.get("tenant").asText()).isEqualTo("acme");
    assertThat(q.get("calls").asLong()).isEqualTo(4);
    assertThat(q.get("totalExecMs").asDouble()).isEqualTo(40);
    assertThat(q.get("meanMs").asDouble()).isEqualTo(10);
    assertThat(q.get("cpuMs").asDouble()).isEqualTo(30);
    assertThat(q.get("cpuSource").asText()).isEqualTo("exec_minus_io");
    assertThat(q.get("sharePct").asDouble()).isEqualTo(100);
    assertThat(q.get("query").asText()).contains(EVIL);
    assertThat(q.has("baselineMeanMs")).isTrue();

    JsonNode otherTenant = json.readTree(get("/api/v1/hot-queries?tenant=globex&from=2026-11-20T05:00:00Z", null).body());
    assertThat(otherTenant.get("queries")).isEmpty();
  }

  @Test
  void badParametersAre400WithTheParameterNamed() throws Exception {
    HttpResponse<String> r = get("/api/v1/hot-queries?limit=lots", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText()).contains("'limit'");
    assertThat(get("/api/v1/hot-queries?date=tomorrow", null).statusCode()).isEqualTo(400);
  }

  @Test
  void fleetPageEscapesWhatCameFromADatabase() throws Exception {
    HttpResponse<String> r = get("/", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("pg1", "17.4").doesNotContain(EVIL).contains("&lt;script&gt;");
  }

  @Test
  void metricsNegotiateOpenMetricsAndText() throws Exception {
    HttpResponse<String> om = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    assertThat(om.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
    assertThat(om.body()).contains("earlybird_target_up{target=\"pg1\"} 0").endsWith("# EOF\n");
    HttpResponse<String> text = get("/metrics", null);
    assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(text.body()).contains("# TYPE earlybird_target_up gauge").doesNotContain("# EOF");
  }

  private void storeARegression() {
    var evidence = new dev.earlybird.model.Evidence.Regression("seasonal", 2.0, 7.0, 400, 120, 0.5, 3.5, 1e-6, 42.0, "exec_time");
    var f = new dev.earlybird.model.Finding("fp1-1", "fp1",
        dev.earlybird.model.Severity.WARNING, dev.earlybird.model.FindingState.ACTIVE,
        new dev.earlybird.model.Subject.Statement("pg1", 5, "tenant_acme", "acme", QUERY_ID, "abc"), "3.5x slower per call", NOW.minusSeconds(120), NOW, Optional.empty(), 2, 0, evidence);
    store.recordEvaluation(NOW, List.of(f), List.of());
  }

  @Test
  void findingsCarryTheContractFieldsAndEvidence() throws Exception {
    storeARegression();
    JsonNode f = json.readTree(get("/api/v1/findings?kind=regression&state=active&tenant=acme", null).body())
        .get("findings").get(0);
    assertThat(f.get("id").asText()).isEqualTo("fp1-1");
    assertThat(f.get("kind").asText()).isEqualTo("regression");
    assertThat(f.get("severity").asText()).isEqualTo("warning");
    assertThat(f.get("state").asText()).isEqualTo("active");
    assertThat(f.get("target").asText()).isEqualTo("pg1");
    assertThat(f.get("database").asText()).isEqualTo("tenant_acme");
    assertThat(f.get("tenant").asText()).isEqualTo("acme");
    assertThat(f.get("queryId").asText()).isEqualTo(Long.toString(QUERY_ID));
    assertThat(f.get("family").asText()).isEqualTo("abc");
    assertThat(f.get("query").asText()).contains(EVIL);
    assertThat(f.get("summary").asText()).contains("slower");
    assertThat(f.get("since").asText()).isEqualTo("2026-11-20T05:58:00Z");
    assertThat(f.get("evidence").get("ratio").asDouble()).isEqualTo(3.5);
    assertThat(f.get("evidence").get("pValue").asDouble()).isEqualTo(1e-6);
    assertThat(f.get("evidence").get("extraSecondsPerHour").asDouble()).isEqualTo(42.0);
    assertThat(json.readTree(get("/api/v1/findings?kind=hot", null).body()).get("findings")).isEmpty();
    assertThat(json.readTree(get("/api/v1/findings?state=resolved", null).body()).get("findings")).isEmpty();
  }

  @Test
  void findingsPageEscapesQueryTextAndBadFiltersAre400() throws Exception {
    storeARegression();
    HttpResponse<String> page = get("/findings", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("regression", "tenant_acme", "3.5x slower").doesNotContain(EVIL).contains("&lt;script&gt;")
        .contains("href=\"/queries/pg1/tenant_acme/" + QUERY_ID + "\"");
    HttpResponse<String> bad = get("/api/v1/findings?kind=slow", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText()).contains("'kind'", "regression");
    assertThat(get("/api/v1/findings?state=pending", null).statusCode()).isEqualTo(400);
  }

  @Test
  void aStatementsPageShowsItsEscapedTextSeriesAndFindings() throws Exception {
    storeARegression();
    String path = "/queries/pg1/tenant_acme/" + QUERY_ID + "?from=2026-11-20T05:00:00Z&to=2026-11-20T07:00:00Z";
    JsonNode q = json.readTree(get("/api" + "/v1" + path, null).body());
    assertThat(q.get("query").asText()).contains(EVIL);
    assertThat(q.get("tenant").asText()).isEqualTo("acme");
    assertThat(q.get("series")).singleElement().satisfies(p -> {
      assertThat(p.get("calls").asLong()).isEqualTo(4);
      assertThat(p.get("meanMs").asDouble()).isEqualTo(10);
      assertThat(p.get("cpuEstimateMs").asDouble()).as("polled with track_io_timing on: minus IO").isEqualTo(30);
      assertThat(p.get("resolution").asText()).isEqualTo("raw");
    });
    assertThat(q.get("findings")).singleElement().satisfies(f -> assertThat(f.get("kind").asText()).isEqualTo("regression"));
    HttpResponse<String> page = get(path, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<svg", "3.5x slower").doesNotContain(EVIL).contains("&lt;script&gt;");
    HttpResponse<String> missing = get("/api/v1/queries/pg1/tenant_nobody/1", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missing.body()).get("error").asText()).contains("tenant_nobody");
    assertThat(get("/api/v1/queries/pg1/tenant_acme/abc", null).statusCode()).isEqualTo(400);
  }

  @Test
  void theChartLibraryAndOurScriptAreServedByTheAgentAndTheStatementPageHasNoInlineScript() throws Exception {
    HttpResponse<String> uplot = get("/assets/" + Assets.UPLOT_JS, null);
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
    assertThat(uplot.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=31536000");
    assertThat(uplot.body()).contains("uPlot").hasSizeGreaterThan(40_000);
    assertThat(get("/assets/" + Assets.UPLOT_CSS, null).body()).contains(".uplot");
    assertThat(get("/assets/" + Assets.QUERY_CHARTS_JS, null).body()).contains("data-api", "new uPlot(");
    assertThat(get("/assets/../logback.xml", null).statusCode()).isEqualTo(404);
    assertThat(get("/assets/uplot/1.6.30/package.json", null).statusCode()).isEqualTo(404);

    storeARegression();
    String path = "/queries/pg1/tenant_acme/" + QUERY_ID + "?from=2026-11-20T05:00:00Z&to=2026-11-20T07:00:00Z";
    String page = get(path, null).body();
    assertThat(page).contains("<script src=\"/assets/" + Assets.UPLOT_JS + "\" defer></script>",
        "<script src=\"/assets/query-charts.js\" defer></script>",
        "data-api=\"../../../api/v1/queries/pg1/tenant_acme/" + QUERY_ID
            + "?from=2026-11-20T05%3A00%3A00Z&amp;to=2026-11-20T07%3A00%3A00Z\"",
        "<noscript>", "<svg id=\"chart\"");
    assertThat(page).contains("<script src=\"/assets/local-times.js\" defer></script>");
    assertThat(page.split("<script").length - 1).as("every script is a file").isEqualTo(3);
    assertThat(page).doesNotContainPattern("<script(?![^>]*src=)");
    JsonNode q = json.readTree(get("/api/v1" + path, null).body());
    assertThat(q.get("baseline")).as("one point: nothing before it to make a band").isEmpty();
    assertThat(get(path + "&page=2", null).statusCode()).isEqualTo(400);
  }

  @Test
  void unknownPagesAre404PagesAndUnknownApiPathsAre404Json() throws Exception {
    for (String page : List.of("/nope<b>", "/queries/pg1/tenant_acme/12345", "/queries/pg9/tenant_acme/" + QUERY_ID)) {
      HttpResponse<String> r = get(page.replace("<", "%3C").replace(">", "%3E"), "text/html");
      assertThat(r.statusCode()).as(page).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as(page).startsWith("text/html");
      assertThat(r.body()).as(page).contains("<h1>Not found</h1>", "<a href=\"/\">").doesNotContain("<b>");
    }
    assertThat(get("/queries/pg1/tenant_acme/12345", null).body()).contains("no statement with queryid 12345");
    for (String api : List.of("/api/v1/nope", "/api/v1/queries/pg1/tenant_acme/12345", "/api/v1/baselines/nope/compare")) {
      HttpResponse<String> r = get(api, null);
      assertThat(r.statusCode()).as(api).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as(api).startsWith("application/json");
      assertThat(json.readTree(r.body()).get("error").asText()).as(api).isNotBlank();
    }
  }

  /**
   * A page with each {@code <time datetime>} element reduced to its text (the UTC time a reader without JavaScript
   * sees), checking on the way that the element's machine-readable instant is the same second.
   */
  static String timesAsText(String page) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "<time datetime=\"([^\"]+)\"[^>]*>([^<]*)</time>").matcher(page);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Instant at = Instant.parse(m.group(1));
      assertThat(m.group(2)).as("the text of " + m.group()).isEqualTo(Units.time(at));
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(m.group(2)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
