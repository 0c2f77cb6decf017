package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.Secret;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.AlertRecord;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.Alerting;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.NewNotification;
import dev.earlybird.history.OutboxEntry;
import dev.earlybird.history.StoredReview;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.AlertStage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.earlybird.history.Silence;
import dev.earlybird.model.LabelMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts, reviews and silences over HTTP: a real DuckDB store and a real Javalin server on a free port. */
class AlertsWebTest {
  static final Instant NOW = Instant.parse("2026-12-08T12:00:00Z");
  static final String EVIL = "<script>alert('x')</script>";
  static final String BEARER = "Bearer s3cret-t0ken-for-tests";

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  Alerting alerting;
  WebServer web;
  ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW);
    writer = new HistoryWriter(store, 8);
    alerting = store.alerting();
    TenantsConfig tenants = TenantsConfig.DEFAULT;
    InstantSource clock = InstantSource.fixed(NOW);
    FleetState fleet = new FleetState(List.of("pg1"));
    Api api = new Api(fleet, new HotList(store, tenants, BaselineConfig.defaults()), tenants, clock);
    Optional<Secret> token = Optional.of(new Secret(BEARER.substring("Bearer ".length())));
    BaselineApi baselines = new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), token);
    FindingsApi findings = new FindingsApi(store);
    QueriesApi queries = new QueriesApi(store, tenants, clock);
    var handlers = new WebServer.Handlers(api, findings, queries, baselines,
        new Pages(fleet, api, baselines, findings, queries), new AlertsApi(alerting, token, clock));
    web = new WebServer(() -> handlers, new AgentMetrics("test"), new Readiness(store.health()), Reloader.NONE)
        .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String auth) throws Exception {
    return WebServerTest.send(web, method, path, body, auth);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  static String body(String tenant, LocalDate workday) {
    return """
        {"id": "%s/%s", "tenant": "%s", "scheduledFor": "%sT05:30:00Z", "late": false,
         "hot": [{"queryId": "-8646911284551352320", "query": "SELECT '%s'", "cpuMs": 1234.5}],
         "findings": [], "changes": {"new": [{"queryId": "7", "summary": "new heavy"}]},
         "forecast": {"cpuRatio": 0.91, "target": "pg1"}}"""
        .formatted(tenant, workday, tenant, workday, EVIL);
  }

  private void storeReview(String tenant, String workday) {
    LocalDate d = LocalDate.parse(workday);
    Instant scheduled = Instant.parse(workday + "T05:30:00Z");
    alerting.reviews().record(new StoredReview(StoredReview.idOf(tenant, d), tenant, d, scheduled,
        scheduled.plusSeconds(3), tenant.equals("globex"), body(tenant, d)), AlertWrites.NONE);
  }

  @Test
  void reviewsAreServedAsStoredNewestFirst() throws Exception {
    storeReview("acme", "2026-12-07");
    storeReview("acme", "2026-12-08");
    storeReview("globex", "2026-12-08");

    JsonNode acme = getJson("/api/v1/reviews?tenant=acme").get("reviews");
    assertThat(acme).hasSize(2);
    assertThat(acme.get(0)).isEqualTo(json.readTree(body("acme", LocalDate.parse("2026-12-08"))));
    assertThat(acme.get(1).get("id").asText()).isEqualTo("acme/2026-12-07");
    assertThat(acme.get(0).get("hot").get(0).get("queryId").asText()).isEqualTo("-8646911284551352320");
    assertThat(getJson("/api/v1/reviews?limit=1").get("reviews")).hasSize(1);
    assertThat(getJson("/api/v1/reviews?from=2026-12-08T00:00:00Z&to=2026-12-09T00:00:00Z").get("reviews"))
        .extracting(r -> r.get("id").asText()).containsExactlyInAnyOrder("acme/2026-12-08", "globex/2026-12-08");
    HttpResponse<String> badFrom = get("/api/v1/reviews?from=yesterday");
    assertThat(badFrom.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badFrom.body()).get("error").asText()).contains("'from'");

    for (String path : List.of("/api/v1/reviews/acme%2F2026-12-08", "/api/v1/reviews/acme/2026-12-08")) {
      assertThat(getJson(path)).as(path).isEqualTo(json.readTree(body("acme", LocalDate.parse("2026-12-08"))));
    }
    HttpResponse<String> missing = get("/api/v1/reviews/acme/2026-12-09");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missing.body()).get("error").asText()).contains("no review acme/2026-12-09");
  }

  private static AlertRecord alert(String fp, boolean firing, Optional<String> silencedBy, String summary) {
    return new AlertRecord(fp, AlertStage.FOUND, fp + "-1", firing,
        Map.of("alertname", "EarlybirdRegression", "severity", "warning", "target", "pg1", "tenant", "acme",
            "database", "app", "queryid", "42"),
        Map.of("summary", summary), List.of("pager", "chat"), silencedBy, NOW.minusSeconds(600), NOW.minusSeconds(60),
        firing ? Optional.empty() : Optional.of(NOW.minusSeconds(60)));
  }

  private static NewNotification note(String receiver, String ref) {
    return new NewNotification(receiver, "alert", ref, "firing", ref + "/firing", "{}", NOW.minusSeconds(600));
  }

  private void storeAlerts() {
    alerting.alerts().record(new AlertWrites(
        List.of(alert("fp1", true, Optional.empty(), "regression on tenant acme, pg1/app queryid 42: 3x slower " + EVIL), alert("fp2", true, Optional.of("s1"), "muted"),
            alert("fp3", false, Optional.empty(), "over")),
        List.of(note("pager", "fp1:found"), note("chat", "fp1:found"))));
    List<OutboxEntry> heads = alerting.outbox().heads();
    alerting.outbox().sent(heads.get(0).id(), NOW.minusSeconds(590));
    alerting.outbox().retry(heads.get(1).id(), NOW.plusSeconds(30), "HTTP 503 from chat");
  }

  @Test
  void alertsCarryTheirStateAndDeliveryPerReceiver() throws Exception {
    storeAlerts();
    assertThat(getJson("/api/v1/alerts").get("alerts")).hasSize(3);
    JsonNode firing = getJson("/api/v1/alerts?state=firing").get("alerts");
    assertThat(firing).hasSize(1);
    JsonNode a = firing.get(0);
    assertThat(a.get("fingerprint").asText()).isEqualTo("fp1");
    assertThat(a.get("stage").asText()).isEqualTo("found");
    assertThat(a.get("state").asText()).isEqualTo("firing");
    assertThat(a.get("labels").get("tenant").asText()).isEqualTo("acme");
    assertThat(a.get("startsAt").asText()).isEqualTo("2026-12-08T11:50:00Z");
    assertThat(a.get("endsAt").isNull()).isTrue();
    assertThat(a.get("receivers")).extracting(JsonNode::asText).containsExactly("pager", "chat");
    JsonNode chat = a.get("deliveries").get(0);
    assertThat(chat.get("receiver").asText()).isEqualTo("chat");
    assertThat(chat.get("outcome").asText()).isEqualTo("pending");
    assertThat(chat.get("attempts").asInt()).isEqualTo(1);
    assertThat(chat.get("lastError").asText()).isEqualTo("HTTP 503 from chat");
    assertThat(chat.get("at").asText()).as("tried next").isEqualTo("2026-12-08T12:00:30Z");
    JsonNode pager = a.get("deliveries").get(1);
    assertThat(pager.get("outcome").asText()).isEqualTo("sent");
    assertThat(pager.get("at").asText()).isEqualTo("2026-12-08T11:50:10Z");

    assertThat(getJson("/api/v1/alerts?limit=1").get("alerts")).hasSize(1);
    assertThat(getJson("/api/v1/alerts?state=silenced&limit=1").get("alerts"))
        .as("the limit counts silenced alerts, not the firing ones read with them")
        .extracting(n -> n.get("fingerprint").asText()).containsExactly("fp2");
    JsonNode silenced = getJson("/api/v1/alerts?state=silenced").get("alerts");
    assertThat(silenced).extracting(n -> n.get("fingerprint").asText()).containsExactly("fp2");
    assertThat(silenced.get(0).get("silencedBy").asText()).isEqualTo("s1");
    JsonNode resolved = getJson("/api/v1/alerts?state=resolved").get("alerts");
    assertThat(resolved).extracting(n -> n.get("fingerprint").asText()).containsExactly("fp3");
    assertThat(resolved.get(0).get("endsAt").asText()).isEqualTo("2026-12-08T11:59:00Z");
    HttpResponse<String> bad = get("/api/v1/alerts?state=open");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText()).contains("'state'", "firing, silenced, resolved");
  }

  private static final String SILENCE =
      "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\"}, {\"name\": \"alertname\", \"value\": \"Earlybird.*\","
          + " \"regex\": true}], \"duration\": \"2h\", \"createdBy\": \"jane\", \"comment\": \"upgrade " + EVIL + "\"}";

  @Test
  void silencesAreCreatedListedAndDeletedWithTheToken() throws Exception {
    assertThat(send("POST", "/api/v1/silences", SILENCE, null).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/silences", SILENCE, "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(alerting.silences().current(NOW)).isEmpty();

    HttpResponse<String> created = send("POST", "/api/v1/silences", SILENCE, BEARER);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode s = json.readTree(created.body());
    String id = s.get("id").asText();
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(s.get("startsAt").asText()).isEqualTo("2026-12-08T12:00:00Z");
    assertThat(s.get("endsAt").asText()).isEqualTo("2026-12-08T14:00:00Z");
    assertThat(s.get("matchers").get(1).get("regex").asBoolean()).isTrue();
    assertThat(s.get("createdBy").asText()).isEqualTo("jane");
    assertThat(getJson("/api/v1/silences").get("silences")).hasSize(1);
    assertThat(getJson("/api/v1/silences").get("silences").get(0)).isEqualTo(s);

    assertThat(send("DELETE", "/api/v1/silences/" + id, null, null).statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/api/v1/silences/" + id, null, BEARER).statusCode()).isEqualTo(204);
    HttpResponse<String> again = send("DELETE", "/api/v1/silences/" + id, null, BEARER);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(json.readTree(again.body()).get("error").asText()).contains("no silence " + id);
    assertThat(getJson("/api/v1/silences").get("silences")).isEmpty();
  }

  @Test
  void aBadSilenceIsRefusedNamingTheField() throws Exception {
    Map<String, String> refused = Map.of(
        "{\"duration\": \"2h\", \"createdBy\": \"jane\"}", "'matchers'",
        "{\"matchers\": [{\"value\": \"acme\"}], \"duration\": \"2h\", \"createdBy\": \"jane\"}", "'matchers[0].name'",
        "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"(\", \"regex\": true}], \"duration\": \"2h\", \"createdBy\": \"j\"}",
        "'matchers[0].value': not a regular expression",
        "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\"}], \"createdBy\": \"jane\"}", "'endsAt' or 'duration'",
        "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\"}], \"duration\": \"2 hours\", \"createdBy\": \"jane\"}",
        "'duration'",
        "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\"}], \"endsAt\": \"2026-12-08T11:00:00Z\", \"createdBy\": \"jane\"}",
        "in the future",
        "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\"}], \"duration\": \"2h\"}", "'createdBy'",
        "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\"}], \"duration\": \"2h\", \"createdBy\": \"j\", \"until\": 1}",
        "\"until\"",
        "not json", "the body must be JSON");
    for (var e : refused.entrySet()) {
      HttpResponse<String> r = send("POST", "/api/v1/silences", e.getKey(), BEARER);
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(json.readTree(r.body()).get("error").asText()).as(e.getKey()).contains(e.getValue());
    }
    assertThat(alerting.silences().current(NOW)).isEmpty();
  }

  @Test
  void theAlertsPageShowsEachStateDeliveriesAndSilencesEscaped() throws Exception {
    storeAlerts();
    assertThat(send("POST", "/api/v1/silences", SILENCE, BEARER).statusCode()).isEqualTo(201);
    HttpResponse<String> page = get("/alerts");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(WebServerTest.timesAsText(page.body()))
        .contains("<h2 id=\"firing\">Firing</h2>", "<h2 id=\"silenced\">Silenced</h2>",
            "<h2 id=\"resolved\">Resolved</h2>", "<h2 id=\"silences\">Silences</h2>")
        .as("a pending delivery says when it is tried next")
        .contains("<strong>chat</strong> firing pending, 1 attempt, next 2026-12-08 12:00:30 UTC", "HTTP 503 from chat")
        .contains("<strong>pager</strong> firing sent, 1 attempt, 2026-12-08 11:50:10 UTC")
        .contains("silenced by s1", "tenant=\"acme\"", "jane")
        .as("times to the second in UTC, not ISO instants").contains("2026-12-08 11:50:00 UTC", "2026-12-08 11:59:00 UTC")
        .doesNotContain("T11:50:00Z")
        .contains("&lt;script&gt;").doesNotContain(EVIL)
        .contains("<a href=\"/alerts\">Alerts</a>", "<a href=\"/reviews\">Reviews</a>");
    assertThat(page.body())
        .as("the summary column shows the finding; where it is has its own column, the title the whole summary")
        .contains(">3x slower &lt;script&gt;", "pg1/app", "queryid 42")
        .contains("title=\"regression on tenant acme, pg1/app queryid 42: 3x slower &lt;script")
        .doesNotContain(">regression on tenant acme");
  }

  @Test
  void anAlertThatNoRouteSendsAnywhereSaysSoRatherThanNoneYet() throws Exception {
    alerting.alerts().record(new AlertWrites(List.of(new AlertRecord("fp9", AlertStage.FOUND, "fp9-1", true,
        Map.of("alertname", "EarlybirdRegression", "severity", "warning", "target", "pg1"), Map.of("summary", "slower"),
        List.of(), Optional.empty(), NOW.minusSeconds(600), NOW.minusSeconds(60), Optional.empty())), List.of()));
    assertThat(get("/alerts").body()).contains("no receiver (alerts.receivers, alerts.routes)").doesNotContain("none yet");
  }

  @Test
  void theReviewPagesListReviewsPerTenantAndShowTheDigestEscaped() throws Exception {
    storeReview("acme", "2026-12-07");
    storeReview("acme", "2026-12-08");
    storeReview("globex", "2026-12-08");
    HttpResponse<String> list = get("/reviews");
    assertThat(list.statusCode()).isEqualTo(200);
    String body = WebServerTest.timesAsText(list.body());
    assertThat(body).contains("<h2>acme</h2>", "<h2>globex</h2>", "href=\"/reviews/acme/2026-12-08\"", "late")
        .contains("2026-12-08 05:30:00 UTC", "2026-12-08 05:30:03 UTC").doesNotContain("05:30:03Z");
    assertThat(body.indexOf("/reviews/acme/2026-12-08")).as("newest first").isLessThan(body.indexOf("/reviews/acme/2026-12-07"));

    HttpResponse<String> one = get("/reviews/acme/2026-12-08");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body())
        .as("an early document (one forecast, rows with few fields) still reads")
        .contains("Open findings (0)", "Changed since the previous review", "New (1)", "Forecast", "Hot queries, last 24 h")
        .contains("1.2 s", "new heavy", "91%", "queryid -8646911284551352320")
        .contains("&lt;script&gt;").doesNotContain(EVIL);
    assertThat(get("/reviews/acme/2026-12-09").statusCode()).isEqualTo(404);
  }

  /** A review as {@code MorningReview} writes it, with hostile text wherever a database supplies it. */
  static final String REVIEW = """
      {"id": "acme/2026-12-08", "tenant": "acme", "workday": "2026-12-08", "scheduledFor": "2026-12-08T05:30:00Z",
       "ranAt": "2026-12-08T05:31:07.123456789Z", "late": true, "url": "http://eb/reviews/acme/2026-12-08",
       "targets": ["pg1", "pg2"], "changesSince": "2026-12-07T05:30:02.5Z",
       "hot": [{"target": "pg1", "database": "app db", "queryId": "-8646911284551352320",
                "query": "SELECT '%1$s',\\n  %2$s FROM orders", "calls": 1234567, "meanMs": 12.3456, "cpuMs": 754000.0,
                "cpuSource": "exec_minus_io", "sharePct": 45.25, "baselineMeanMs": 4.1, "changePct": 201.1},
               {"target": "pg1", "database": "app db", "queryId": "7", "query": "SELECT 1", "calls": 3, "meanMs": 0.5,
                "cpuMs": 1.5, "cpuSource": "exec_time", "sharePct": 0.01, "baselineMeanMs": 0.53, "changePct": -5.4}],
       "findings": [
         {"id": "f1", "kind": "hot", "severity": "info", "state": "active", "target": "pg1", "database": "app db",
          "queryId": "7", "summary": "#3 by CPU", "since": "2026-12-08T01:00:00Z", "resolvedAt": null, "evidence": {}},
         {"id": "f2", "kind": "regression", "severity": "warning", "state": "active", "target": "pg1",
          "database": "app db", "queryId": "-8646911284551352320", "summary": "3x slower %1$s",
          "since": "2026-12-08T02:00:00.987654Z", "resolvedAt": null, "evidence": {}}],
       "changes": {
         "new": [{"id": "f2", "kind": "regression", "severity": "warning", "state": "active", "target": "pg1",
                  "database": "app db", "queryId": "-8646911284551352320", "summary": "3x slower %1$s",
                  "since": "2026-12-08T02:00:00Z"}],
         "resolved": [{"id": "f0", "kind": "forecast", "severity": "warning", "state": "resolved", "target": "pg1",
                       "database": null, "queryId": null, "summary": "morning CPU 85%%",
                       "since": "2026-12-07T03:00:00Z", "resolvedAt": "2026-12-07T09:00:00Z"}]},
       "forecast": [{"target": "pg1", "from": "2026-12-08T08:00:00Z", "to": "2026-12-08T11:00:00Z", "vcpus": 4.0,
                     "expectedCpuSeconds": 39441.6, "cpuRatio": 0.913, "maxCpuRatio": 0.8, "regressionCpuRatio": 0.12,
                     "weeks": 3, "top": [{"dbId": 5, "database": "app db", "tenant": "acme",
                       "queryId": "-8646911284551352320", "expectedCalls": 20000.4, "cpuMsPerCall": 36.9,
                       "cpuSeconds": 738.0, "cpuSource": "exec_minus_io", "regressed": true}]}]}"""
      .formatted(EVIL, "x".repeat(200));

  @Test
  void theReviewPageIsADigestWithRoundedNumbersLinksAndEscapedText() throws Exception {
    LocalDate d = LocalDate.parse("2026-12-08");
    alerting.reviews().record(new StoredReview("acme/2026-12-08", "acme", d, Instant.parse("2026-12-08T05:30:00Z"),
        Instant.parse("2026-12-08T05:31:07.123456789Z"), true, REVIEW), AlertWrites.NONE);
    HttpResponse<String> r = get("/reviews/acme/2026-12-08");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String page = WebServerTest.timesAsText(r.body());
    assertThat(page).as("header")
        .contains("Tenant <strong>acme</strong>", "Tue 2026-12-08", "Scheduled for 2026-12-08 05:30:00 UTC",
            "ran at 2026-12-08 05:31:07 UTC", "class=\"badge late\"", "Targets: <code>pg1, pg2</code>")
        .contains("href=\"/api/v1/reviews/acme/2026-12-08\"")
        .doesNotContain("123456789", "987654");
    assertThat(page).as("sections")
        .contains("Open findings (2)", "Changed since the previous review", "Since 2026-12-07 05:30:02 UTC.",
            "New (1)", "Resolved (1)", "<h2 id=\"forecast\">Forecast</h2>", "Hot queries, last 24 h");
    assertThat(page.indexOf("3x slower")).as("warning before info").isLessThan(page.indexOf("#3 by CPU"));
    assertThat(page).as("findings link to their statement")
        .contains("<a href=\"/queries/pg1/app%20db/-8646911284551352320\">3x slower &lt;script&gt;",
            "<a href=\"/queries/pg1/app%20db/7\">#3 by CPU</a>", "2026-12-08 02:00:00 UTC",
            "morning CPU 85%", "resolved 2026-12-07 09:00:00 UTC");
    assertThat(page).as("forecast, and a target without one")
        .contains("expected CPU <strong class=\"down\">91%</strong>", "of 4 vCPUs (limit 80%)",
            "Tue 2026-12-08 08:00–11:00 UTC", "open regressions add +12 points", "from 3 weeks of history")
        .contains("20,000", "36.9 ms", "12.3 min", "regressed")
        .contains("<code>pg2</code>: no forecast (set <code>targets[].vcpus</code>)");
    assertThat(page).as("hot list, rounded for people")
        .contains("1,234,567", "12.3 ms", "45.3%", "4.1 ms", "+201%", "-5%", "exec_minus_io")
        .as("a tiny share is not shown as none").contains("&lt;0.1%")
        .doesNotContain("12.3456", "45.25", "201.1");
    String oneLine = "SELECT '&lt;script&gt;alert('x')&lt;/script&gt;', " + "x".repeat(200);
    assertThat(page).as("the query on one line, cut; the whole text in the title")
        .contains(">" + oneLine.substring(0, oneLine.indexOf("x".repeat(60))))
        .contains("…</code>", "title=\"SELECT &#39;&lt;script>")
        .contains("<a href=\"/queries/pg1/app%20db/-8646911284551352320\">queryid -8646911284551352320</a>");
    assertThat(page).contains("&lt;script&gt;").doesNotContain(EVIL);
  }

  @Test
  void theReviewPageListsOpenAdviceWithItsDdlEscaped() throws Exception {
    LocalDate d = LocalDate.parse("2026-12-09");
    String body = """
        {"id": "acme/2026-12-09", "tenant": "acme", "targets": ["pg1"],
         "findings": [
           {"kind": "advice", "severity": "info", "state": "active", "target": "pg1", "database": "tenant_acme",
            "queryId": "42", "summary": "reads all of public.orders",
            "evidence": {"rule": "missing_index", "advice": "reads all of public.orders <b>: build it",
                         "ddl": "CREATE INDEX CONCURRENTLY ON public.orders (customer_id)"}},
           {"kind": "advice", "severity": "info", "state": "applied", "target": "pg1",
            "summary": "track_io_timing is off", "evidence": {"rule": "settings", "advice": "turn it on"}},
           {"kind": "regression", "severity": "warning", "state": "active", "target": "pg1", "summary": "slower"}],
         "changes": {}, "hot": [], "forecast": []}""";
    alerting.reviews().record(new StoredReview("acme/2026-12-09", "acme", d, Instant.parse("2026-12-09T05:30:00Z"),
        Instant.parse("2026-12-09T05:30:01Z"), false, body), AlertWrites.NONE);
    String page = get("/reviews/acme/2026-12-09").body();
    assertThat(page).contains("<h2 id=\"advice\">Advice (2)</h2>", "<b>missing_index</b> on pg1 / tenant_acme",
        "href=\"/queries/pg1/tenant_acme/42\"", "reads all of public.orders &lt;b&gt;: build it",
        "CREATE INDEX CONCURRENTLY ON public.orders (customer_id)", "<b>settings</b> on pg1", "turn it on")
        .doesNotContain("<b>: build");
  }

  @Test
  void aReviewThatIsNotJsonSaysSo() throws Exception {
    LocalDate d = LocalDate.parse("2026-12-08");
    alerting.reviews().record(new StoredReview("acme/2026-12-08", "acme", d, Instant.parse("2026-12-08T05:30:00Z"),
        Instant.parse("2026-12-08T05:30:01Z"), false, "not json " + EVIL), AlertWrites.NONE);
    HttpResponse<String> r = get("/reviews/acme/2026-12-08");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("The stored document is not JSON", "Tenant <strong>acme</strong>")
        .doesNotContain(EVIL);
  }

  @Test
  void anAgentWithoutAlertingAnswers404() throws Exception {
    Api api = new Api(new FleetState(List.of()), null, TenantsConfig.DEFAULT, InstantSource.fixed(NOW));
    var handlers = new WebServer.Handlers(api, null, null, null, null);
    try (WebServer bare = new WebServer(() -> handlers, new AgentMetrics("test"), new Readiness(store.health()),
        Reloader.NONE).start("127.0.0.1", 0)) {
      for (String path : List.of("/api/v1/alerts", "/api/v1/reviews", "/alerts")) {
        HttpResponse<String> r = WebServerTest.send(bare, "GET", path, null, null);
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        // The API says so in JSON, the page in a page.
        assertThat(path.startsWith("/api/") ? json.readTree(r.body()).get("error").asText() : r.body())
            .contains("alerting is not enabled");
      }
    }
  }

  private void storeAlerts(int n, boolean firing, int fromSecond) {
    List<AlertRecord> alerts = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant at = NOW.minusSeconds(3600 - fromSecond - i);
      alerts.add(new AlertRecord("fp" + (fromSecond + i), AlertStage.FOUND, "f" + i, firing,
          Map.of("alertname", "EarlybirdHot", "severity", "info", "target", "pg1"), Map.of("summary", "hot fp" + (fromSecond + i)), List.of(),
          Optional.empty(), at, at, firing ? Optional.empty() : Optional.of(at)));
    }
    alerting.alerts().record(new AlertWrites(alerts, List.of()));
  }

  private List<String> fingerprints(JsonNode page) {
    List<String> out = new java.util.ArrayList<>();
    page.get("alerts").forEach(a -> out.add(a.get("fingerprint").asText()));
    return out;
  }

  @Test
  void alertsArePagedByKeyNewestFirstStableWhileNewOnesArrive() throws Exception {
    storeAlerts(7, true, 1);
    JsonNode first = getJson("/api/v1/alerts?state=firing&limit=3");
    assertThat(fingerprints(first)).containsExactly("fp7", "fp6", "fp5");
    assertThat(first.get("prevCursor").isNull()).isTrue();
    JsonNode second = getJson("/api/v1/alerts?state=firing&limit=3&cursor=" + first.get("nextCursor").asText());
    assertThat(fingerprints(second)).containsExactly("fp4", "fp3", "fp2");
    storeAlerts(1, true, 100); // a new alert at the top while someone pages: it moves no page
    JsonNode third = getJson("/api/v1/alerts?state=firing&limit=3&cursor=" + second.get("nextCursor").asText());
    assertThat(fingerprints(third)).containsExactly("fp1");
    assertThat(third.get("nextCursor").isNull()).as("the last page").isTrue();
    JsonNode back = getJson("/api/v1/alerts?state=firing&limit=3&cursor=" + third.get("prevCursor").asText());
    assertThat(fingerprints(back)).containsExactly("fp4", "fp3", "fp2");
    JsonNode front = getJson("/api/v1/alerts?state=firing&limit=3&cursor=" + back.get("prevCursor").asText());
    assertThat(fingerprints(front)).containsExactly("fp7", "fp6", "fp5");
    assertThat(front.get("prevCursor").isNull()).as("fp100 is newer, so there is a page before").isFalse();
    assertThat(fingerprints(getJson("/api/v1/alerts?state=firing&limit=3&cursor=" + front.get("prevCursor").asText())))
        .containsExactly("fp100");
    assertThat(getJson("/api/v1/alerts?limit=1000").get("alerts")).hasSize(8);

    String cursor = first.get("nextCursor").asText();
    for (String path : List.of("/api/v1/alerts?state=resolved&cursor=" + cursor, "/api/v1/alerts?cursor=x" + cursor,
        "/api/v1/silences?cursor=" + cursor, "/api/v1/alerts?limit=1001")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(json.readTree(r.body()).get("error").asText()).as(path).containsAnyOf("'cursor'", "'limit'");
    }
  }

  @Test
  void silencesArePagedActiveByNearestEndExpiredByLatestEnd() throws Exception {
    for (int i = 1; i <= 5; i++) {
      alerting.silences().add(new Silence("s" + i, List.of(LabelMatcher.equal("tenant", "t" + i)),
          NOW.minusSeconds(7200), NOW.plusSeconds(i * 60L - 180), "jane", "", NOW.minusSeconds(7200)));
    }
    // s1 to s3 have ended (s3 just now); s4 and s5 end in one and two minutes.
    JsonNode active = getJson("/api/v1/silences?limit=1");
    assertThat(active.get("silences")).extracting(s -> s.get("id").asText()).containsExactly("s4");
    JsonNode more = getJson("/api/v1/silences?limit=1&cursor=" + active.get("nextCursor").asText());
    assertThat(more.get("silences")).extracting(s -> s.get("id").asText()).containsExactly("s5");
    assertThat(more.get("nextCursor").isNull()).isTrue();
    JsonNode expired = getJson("/api/v1/silences?state=expired&limit=2");
    assertThat(expired.get("silences")).extracting(s -> s.get("id").asText()).containsExactly("s3", "s2");
    assertThat(getJson("/api/v1/silences?state=expired&cursor=" + expired.get("nextCursor").asText()).get("silences"))
        .extracting(s -> s.get("id").asText()).containsExactly("s1");
    assertThat(get("/api/v1/silences?state=ended").statusCode()).isEqualTo(400);
  }

  @Test
  void eachSectionOfTheAlertsPagePagesOnItsOwn() throws Exception {
    storeAlerts(AlertPages.PAGE + 1, false, 1);
    storeAlerts(1, true, 500);
    String first = get("/alerts").body();
    Matcher next = Pattern.compile("<a href=\"(/alerts\\?resolved=[^\"]+#resolved)\" rel=\"next\">").matcher(first);
    assertThat(next.find()).as("a next link for the resolved alerts").isTrue();
    assertThat(first).contains("title=\"hot fp51\"", "title=\"hot fp2\"").doesNotContain("title=\"hot fp1\"", "rel=\"prev\"");
    String second = get(next.group(1).replace("&amp;", "&")).body();
    assertThat(second).contains("title=\"hot fp1\"", "rel=\"prev\"").doesNotContain("title=\"hot fp2\"")
        .as("the firing section stays on its first page").contains("title=\"hot fp500\"");
    assertThat(second).contains("href=\"/alerts?alertname=EarlybirdHot&amp;target=pg1#new-silence\">silence this</a>");
    // "silence this" fills the form in
    assertThat(get("/alerts?alertname=EarlybirdHot&target=pg1").body())
        .contains("name=\"alertname\" value=\"EarlybirdHot\"", "name=\"target\" value=\"pg1\"",
            "name=\"tenant\" value=\"\"", "name=\"duration\" value=\"2h\"");
  }

  @Test
  void aSilencedAlertShowsItsSilenceWhoAndUntilWhen() throws Exception {
    alerting.silences().add(new Silence("s1", List.of(LabelMatcher.equal("tenant", "acme")), NOW.minusSeconds(60),
        NOW.plusSeconds(3600), "jane " + EVIL, "migration", NOW.minusSeconds(60)));
    storeAlerts();
    String page = WebServerTest.timesAsText(get("/alerts").body());
    assertThat(page).contains("silenced by <a href=\"#silence-s1\">jane &lt;script&gt;", "until 2026-12-08 13:00:00 UTC",
        " · migration", "<tr id=\"silence-s1\">").doesNotContain(EVIL);
    assertThat(page).as("a resolved alert's end under its start")
        .containsPattern("2026-12-08 11:50:00 UTC\\s*<br><span class=\"hint\">ended</span> 2026-12-08 11:59:00 UTC");
  }
}
