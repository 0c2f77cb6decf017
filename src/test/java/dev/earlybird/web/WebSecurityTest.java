package dev.earlybird.web;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.Secret;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.Counters;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.TargetStatus;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a browser and a reverse proxy see: security headers on every response, no inline style or script to allow,
 * no state change without the bearer token, and everything under {@code web.basePath}. Real DuckDB, real Javalin.
 */
class WebSecurityTest {
  /** A script element without a src: inline code, which the policy forbids (the agent's own script files are fine). */
  static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)");

  static final Instant NOW = Instant.parse("2026-11-20T06:00:00Z");
  static final String TOKEN = "s3cret-t0ken-for-tests";
  static final String BEARER = "Bearer " + TOKEN;
  static final String BASE = "/earlybird";
  static final String PIN = "{\"name\": \"before\", \"from\": \"2026-11-20T05:00:00Z\","
      + " \"to\": \"2026-11-20T06:00:00Z\", \"target\": \"pg1\"}";
  /** Every page a person reaches from the navigation, and the links on them. */
  static final List<String> PAGES = List.of("/", "/hot", "/families", "/findings", "/baselines", "/alerts", "/reviews");

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  WebServer web;

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW.plusSeconds(1));
    writer = new HistoryWriter(store, 8);
    seed(store);
    web = server(Optional.of(new Secret(TOKEN)), "");
  }

  /** One target with one statement in a tenant database, polled at {@link #NOW}: enough to pin the hour before. */
  static void seed(JdbcHistoryStore store) {
    StatementKey key = new StatementKey("pg1", 5, 10, 42, true);
    Counters c =
        new Counters(CounterValues.ZERO.with(Counter.CALLS, 4)
                .with(Counter.EXEC_MS, 40)
                .with(Counter.ROWS, 4), 10, 1, 0, 0, null, OptionalDouble.empty());
    StatementInterval i = new StatementInterval(key, NOW.minusSeconds(60), NOW,
            CounterValues.ZERO.with(Counter.CALLS, 4)
            .with(Counter.EXEC_MS, 40)
            .with(Counter.EXEC_SUMSQ_MS, 404)
            .with(Counter.ROWS, 4)
            .with(Counter.IO_READ_MS, 10), OptionalDouble.empty());
    store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 5, "tenant acme/é")));
    store.saveTexts(List.of(new StatementText("pg1", 5, 42, "SELECT '<script>alert(1)</script>'", false, "abc")));
    store.recordPoll(PollRecord.success(
        new Snapshot("pg1", NOW, Optional.empty(), OptionalLong.empty(), Map.of(key, c)), List.of(i), true));
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  private WebServer server(Optional<Secret> token, String basePath) {
    return server(store, writer, token, basePath);
  }

  /** Wired like the agent: every view, alerting included. */
  static WebServer server(JdbcHistoryStore store, HistoryWriter writer, Optional<Secret> token, String basePath) {
    TenantsConfig tenants = TenantsConfig.DEFAULT;
    InstantSource clock = InstantSource.fixed(NOW.plusSeconds(1));
    FleetState fleet = new FleetState(List.of("pg1"));
    fleet.update("pg1", s -> new TargetStatus("pg1", true, NOW, "17.4", 1, null, true, null, 0));
    Api api = new Api(fleet, new HotList(store, tenants, BaselineConfig.defaults()), tenants, clock);
    BaselineApi baselines = new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), token);
    FindingsApi findings = new FindingsApi(store);
    QueriesApi queries = new QueriesApi(store, tenants, clock);
    var handlers = new WebServer.Handlers(api, findings, queries, baselines,
        new Pages(fleet, api, baselines, findings, queries), new AlertsApi(store.alerting(), token, clock),
        new FamiliesApi(store, tenants, clock));
    return new WebServer(() -> handlers, new AgentMetrics("test"), new Readiness(store.health()), Reloader.NONE,
        basePath).start("127.0.0.1", 0);
  }

  private HttpResponse<String> get(WebServer server, String path) throws Exception {
    return WebServerTest.send(server, "GET", path, null, null);
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    for (String path : List.of("/", "/hot", "/api/v1/targets", "/metrics", "/-/healthy", "/assets/earlybird.css",
        "/no/such/page", "/queries/pg1/nope/1")) {
      HttpResponse<String> r = get(web, path);
      SecurityHeaders.ALL.forEach((name, value) ->
          assertThat(r.headers().firstValue(name)).as(path + " " + name).hasValue(value));
    }
    assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).contains("script-src 'self'", "style-src 'self'",
        "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'").doesNotContain("unsafe-inline");
  }

  @Test
  void pagesNeedNoInlineStyleOrScriptAndTheirStyleSheetIsServed() throws Exception {
    for (String page : PAGES) {
      HttpResponse<String> r = get(web, page);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.body()).as(page).doesNotContain("<style", "style=").doesNotContainPattern(INLINE_SCRIPT)
          .contains("<link rel=\"stylesheet\" href=\"/assets/earlybird.css\">");
    }
    HttpResponse<String> css = get(web, "/assets/earlybird.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    assertThat(css.body()).contains("body {", "td.num");
  }

  @Test
  void noStateChangesWithoutTheBearerTokenWhateverTheRoute() throws Exception {
    // What a hostile page can make a browser send: a form post, cookies, another Origin; never our Authorization.
    for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
      for (String path : List.of("/api/v1/baselines", "/api/v1/baselines/before", "/api/v1/silences",
          "/api/v1/silences/1", "/-/reload", "/hot", "/no/such/route")) {
        HttpResponse<String> r = WebServerTest.send(web, method, path, "name=before&from=x&to=y", null);
        assertThat(r.statusCode()).as(method + " " + path).isEqualTo(401);
      }
    }
    assertThat(store.baselines()).isEmpty();
    assertThat(WebServerTest.send(web, "POST", "/api/v1/baselines", PIN, BEARER).statusCode()).isEqualTo(201);
    try (WebServer noToken = server(Optional.empty(), "")) {
      assertThat(WebServerTest.send(noToken, "DELETE", "/api/v1/baselines/before", null, BEARER).statusCode())
          .as("no web.token: writes are off").isEqualTo(403);
      assertThat(get(noToken, "/baselines").statusCode()).as("reads stay open").isEqualTo(200);
    }
    assertThat(store.baselines()).hasSize(1);
  }

  @Test
  void onlyTheWholeTokenPasses() throws Exception {
    String sameLength = TOKEN.substring(0, TOKEN.length() - 1) + (TOKEN.endsWith("x") ? "y" : "x");
    for (String auth : List.of("Bearer " + sameLength, "Bearer " + TOKEN.substring(0, 8), "Bearer ",
        BEARER + "x", TOKEN, "Basic " + TOKEN)) {
      HttpResponse<String> r = WebServerTest.send(web, "POST", "/api/v1/baselines", PIN, auth);
      assertThat(r.statusCode()).as(auth).isEqualTo(401);
      assertThat(r.body()).doesNotContain(TOKEN.substring(0, 8));
    }
    assertThat(store.baselines()).isEmpty();
    assertThat(WebServerTest.send(web, "POST", "/api/v1/baselines", PIN, BEARER).statusCode()).isEqualTo(201);
  }

  @Test
  void underABasePathEveryRouteLinkFormAndAssetIsBelowIt() throws Exception {
    try (WebServer proxied = server(Optional.of(new Secret(TOKEN)), BASE)) {
      assertThat(WebServerTest.send(proxied, "POST", BASE + "/api/v1/baselines", PIN, BEARER).statusCode())
          .isEqualTo(201);
      for (String path : List.of("/-/healthy", "/metrics", "/api/v1/targets", "/api/v1/hot-queries",
          "/assets/earlybird.css")) {
        assertThat(get(proxied, BASE + path).statusCode()).as(BASE + path).isEqualTo(200);
        assertThat(get(proxied, path).statusCode()).as(path + " outside the base path").isEqualTo(404);
      }
      // An unknown page under the base path links home below it; an unknown API path answers JSON there too.
      HttpResponse<String> lost = get(proxied, BASE + "/nope");
      assertThat(lost.statusCode()).isEqualTo(404);
      assertThat(lost.body()).contains("<a href=\"" + BASE + "/\">");
      assertThat(get(proxied, BASE + "/api/v1/nope").body()).startsWith("{\"error\"");
      // Follow every link from every page, as a person would: each stays below the base path and answers, and no
      // page reached needs an inline style or script that the policy would block.
      Deque<String> todo = new ArrayDeque<>(PAGES.stream().map(p -> BASE + p).toList());
      Set<String> seen = new LinkedHashSet<>(todo);
      while (!todo.isEmpty()) {
        String page = todo.poll();
        HttpResponse<String> r = get(proxied, page);
        assertThat(r.statusCode()).as(page).isEqualTo(200);
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
          continue;
        }
        assertThat(r.body()).as(page).doesNotContain("<style", "style=").doesNotContainPattern(INLINE_SCRIPT);
        Matcher m = Pattern.compile("(<form method=\"post\" )?(href|action|src)=\"([^\"]*)\"").matcher(r.body());
        while (m.find()) {
          String url = m.group(3).replace("&amp;", "&");
          if (url.startsWith("#")) {
            continue; // a place on the same page
          }
          assertThat(url).as("a link on " + page).startsWith(BASE + "/");
          if (m.group(1) == null && seen.add(url)) {
            todo.add(url);
          }
        }
      }
      assertThat(seen).as("the crawl reached the statement, family and baseline pages")
          .anyMatch(u -> u.startsWith(BASE + "/queries/pg1/tenant%20acme%2F%C3%A9/42"))
          .anyMatch(u -> u.startsWith(BASE + "/families/"))
          .contains(BASE + "/baselines/before", BASE + "/metrics");
      // The API's links too: a client behind the proxy follows them as they are.
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      String family = mapper.readTree(get(proxied, BASE + "/api/v1/families").body())
          .get("families").get(0).get("family").asText();
      assertThat(mapper.readTree(get(proxied, BASE + "/api/v1/families/" + family).body())
          .get("databases").get(0).get("link").asText()).isEqualTo(BASE + "/queries/pg1/tenant%20acme%2F%C3%A9/42");
    }
  }

  // --- writes from the pages: HTML forms with the token in a password field ---

  static final String PIN_FORM = "name=before&from=2026-11-20T05%3A00%3A00Z&to=2026-11-20T06%3A00%3A00Z&target=pg1";
  static final String SILENCE_FORM = "alertname=EarlybirdRegression&tenant=acme&severity=&kind=&target=&database="
      + "&queryid=&duration=2h&endsAt=&createdBy=jane&comment=upgrade+%3Cb%3E";

  /** A form post as a browser sends it: urlencoded, from this agent's own origin unless {@code headers} say else. */
  static HttpResponse<String> form(WebServer server, String path, String body, String... headers) throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(java.time.Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    Map<String, String> h = new java.util.LinkedHashMap<>(Map.of(
        "Origin", "http://127.0.0.1:" + server.port(), "Sec-Fetch-Site", "same-origin"));
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    h.forEach((name, value) -> {
      if (!value.isEmpty()) {
        b.header(name, value);
      }
    });
    return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String withToken(String body, String token) {
    return body + "&token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Neither the body nor where it sends the browser shows the token. */
  private static HttpResponse<String> noToken(HttpResponse<String> r) {
    assertThat(r.body()).doesNotContain(TOKEN);
    assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain(TOKEN);
    return r;
  }

  private com.fasterxml.jackson.databind.JsonNode api(WebServer server, String path) throws Exception {
    HttpResponse<String> r = get(server, path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
  }

  @Test
  void aBaselineIsPinnedAndDeletedFromItsPageWithTheTokenInTheForm() throws Exception {
    HttpResponse<String> pinned = noToken(form(web, "/baselines", withToken(PIN_FORM, TOKEN)));
    assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(303);
    assertThat(pinned.headers().firstValue("Location")).hasValue("/baselines?done=pinned&name=before#done");
    assertThat(api(web, "/api/v1/baselines").get("baselines").get(0).get("target").asText()).isEqualTo("pg1");
    String page = noToken(get(web, "/baselines?done=pinned&name=before")).body();
    assertThat(page).contains("<p class=\"notice\" id=\"done\" role=\"status\">Pinned baseline before.</p>")
        .contains("action=\"/baselines/before/delete\"", "type=\"password\" name=\"token\"")
        .doesNotContain("id=\"writes-off\"");
    assertThat(get(web, "/baselines?done=%3Cb%3Eowned&name=x").body()).as("only the page's own sentences")
        .doesNotContain("owned", "id=\"done\"");

    HttpResponse<String> deleted = noToken(form(web, "/baselines/before/delete", withToken("", TOKEN)));
    assertThat(deleted.statusCode()).isEqualTo(303);
    assertThat(deleted.headers().firstValue("Location")).hasValue("/baselines?done=deleted&name=before#done");
    assertThat(store.baselines()).isEmpty();
    HttpResponse<String> gone = noToken(form(web, "/baselines/before/delete", withToken("", TOKEN)));
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("id=\"refused\"", "no pinned baseline named 'before'");
  }

  @Test
  void aFormWithoutTheRightTokenChangesNothingAndShowsThePageAgainWithWhy() throws Exception {
    for (String body : List.of(PIN_FORM, withToken(PIN_FORM, ""), withToken(PIN_FORM, TOKEN + "x"),
        withToken(PIN_FORM, TOKEN.substring(0, 8)), withToken(PIN_FORM, "Bearer " + TOKEN))) {
      HttpResponse<String> r = noToken(form(web, "/baselines", body));
      assertThat(r.statusCode()).as(body).isEqualTo(401);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(r.body()).as(body).contains("id=\"refused\"", "web.token in the Token field")
          .as("what was entered is kept, but the token").contains("value=\"before\"", "value=\"2026-11-20T05:00:00Z\"",
              "<option value=\"pg1\" selected>");
    }
    HttpResponse<String> silence = noToken(form(web, "/alerts/silences", withToken(SILENCE_FORM, "wrong")));
    assertThat(silence.statusCode()).isEqualTo(401);
    assertThat(silence.body()).contains("<h1>Alerts</h1>", "id=\"refused\"", "value=\"jane\"", "value=\"upgrade &lt;b>\"");
    assertThat(store.baselines()).isEmpty();
    assertThat(store.alerting().silences().current(NOW)).isEmpty();
  }

  @Test
  void aBadFieldIsRefusedNamingIt() throws Exception {
    Map<String, String> refused = Map.of(
        "name=before&from=&to=2026-11-20T06%3A00%3A00Z", "'from' is required",
        "name=before&from=yesterday&to=2026-11-20T06%3A00%3A00Z", "'from' must be an ISO-8601 instant",
        "name=a%2Fb&from=2026-11-20T05%3A00%3A00Z&to=2026-11-20T06%3A00%3A00Z", "baseline name 'a/b' is not valid");
    for (var e : refused.entrySet()) {
      HttpResponse<String> r = noToken(form(web, "/baselines", withToken(e.getKey(), TOKEN)));
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(r.body()).as(e.getKey()).contains(e.getValue());
    }
    HttpResponse<String> noCreator = form(web, "/alerts/silences", withToken(SILENCE_FORM.replace("jane", ""), TOKEN));
    assertThat(noCreator.statusCode()).isEqualTo(400);
    assertThat(noCreator.body()).contains("'createdBy' is required");
    HttpResponse<String> noMatch = form(web, "/alerts/silences", withToken("duration=2h&createdBy=jane", TOKEN));
    assertThat(noMatch.statusCode()).isEqualTo(400);
    assertThat(noMatch.body()).contains("fill in at least one of alertname");
    assertThat(store.baselines()).isEmpty();
    assertThat(store.alerting().silences().current(NOW)).isEmpty();
  }

  @Test
  void withoutAConfiguredTokenTheFormsSayWritesAreOffAndHowToTurnThemOn() throws Exception {
    try (WebServer noToken = server(Optional.empty(), "")) {
      for (String page : List.of("/baselines", "/alerts")) {
        assertThat(get(noToken, page).body()).as(page).contains("id=\"writes-off\"", "set <code>web.token</code>")
            .contains("name=\"token\" autocomplete=\"off\" required size=\"10\" disabled>");
      }
      HttpResponse<String> r = noToken(form(noToken, "/baselines", withToken(PIN_FORM, TOKEN)));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("id=\"refused\"", "write actions are off: set web.token");
      assertThat(form(noToken, "/alerts/silences", withToken(SILENCE_FORM, TOKEN)).statusCode()).isEqualTo(403);
    }
    assertThat(store.baselines()).isEmpty();
    assertThat(store.alerting().silences().current(NOW)).isEmpty();
  }

  @Test
  void aFormPostFromAnotherSiteIsRefusedEvenWithTheToken() throws Exception {
    List<String[]> foreign = List.of(
        new String[] {"Origin", "https://evil.example"},
        new String[] {"Origin", "null", "Sec-Fetch-Site", ""},
        new String[] {"Origin", "http://127.0.0.1:1"},
        new String[] {"Sec-Fetch-Site", "cross-site"},
        new String[] {"Sec-Fetch-Site", "same-site"},
        new String[] {"Origin", "https://evil.example", "X-Forwarded-Host", "db.example.com"});
    for (String[] headers : foreign) {
      for (String path : List.of("/baselines", "/alerts/silences")) {
        HttpResponse<String> r = noToken(form(web, path, withToken(path.equals("/baselines") ? PIN_FORM : SILENCE_FORM,
            TOKEN), headers));
        assertThat(r.statusCode()).as(String.join(" ", headers) + " " + path).isEqualTo(403);
        assertThat(r.body()).contains("refused a form sent from another site");
      }
    }
    assertThat(store.baselines()).isEmpty();
    assertThat(store.alerting().silences().current(NOW)).isEmpty();
    assertThat(form(web, "/baselines", withToken(PIN_FORM, TOKEN), "Origin", "", "Sec-Fetch-Site", "").statusCode())
        .as("no Origin: not a browser's form; the token alone decides").isEqualTo(303);
    assertThat(form(web, "/baselines/before/delete", withToken("", TOKEN), "Origin", "null").statusCode())
        .as("what Chromium sends from our own page under Referrer-Policy: no-referrer").isEqualTo(303);
  }

  @Test
  void behindAReverseProxyASameOriginFormPostIsAcceptedBelowTheBasePath() throws Exception {
    try (WebServer proxied = server(Optional.of(new Secret(TOKEN)), BASE)) {
      String page = get(proxied, BASE + "/baselines").body();
      assertThat(page).contains("action=\"" + BASE + "/baselines\"");
      // The proxy forwards the browser's host in X-Forwarded-Host; the agent sees its own address in Host.
      HttpResponse<String> r = noToken(form(proxied, BASE + "/baselines", withToken(PIN_FORM, TOKEN),
          "Origin", "https://db.example.com", "X-Forwarded-Host", "db.example.com"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
      assertThat(r.headers().firstValue("Location")).hasValue(BASE + "/baselines?done=pinned&name=before#done");
      assertThat(get(proxied, BASE + "/baselines").body()).contains("action=\"" + BASE + "/baselines/before/delete\"");
      HttpResponse<String> silenced = noToken(form(proxied, BASE + "/alerts/silences", withToken(SILENCE_FORM, TOKEN),
          "Origin", "https://db.example.com:443", "X-Forwarded-Host", "db.example.com"));
      assertThat(silenced.statusCode()).as(silenced.body()).isEqualTo(303);
      assertThat(silenced.headers().firstValue("Location").orElseThrow()).startsWith(BASE + "/alerts?done=silenced&name=");
      HttpResponse<String> wrong = noToken(form(proxied, BASE + "/baselines/before/delete", withToken("", "nope")));
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("<h1>Baselines</h1>", "href=\"" + BASE + "/assets/earlybird.css\"");
    }
    assertThat(store.baselines()).hasSize(1);
    assertThat(store.alerting().silences().current(NOW)).hasSize(1);
  }

  @Test
  void aSilenceIsCreatedAndExpiredFromTheAlertsPage() throws Exception {
    HttpResponse<String> created = noToken(form(web, "/alerts/silences", withToken(SILENCE_FORM, TOKEN)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
    var silence = api(web, "/api/v1/silences").get("silences").get(0);
    String id = silence.get("id").asText();
    assertThat(created.headers().firstValue("Location")).hasValue("/alerts?done=silenced&name=" + id + "#done");
    assertThat(silence.get("matchers").toString())
        .isEqualTo("[{\"name\":\"alertname\",\"value\":\"EarlybirdRegression\",\"regex\":false},"
            + "{\"name\":\"tenant\",\"value\":\"acme\",\"regex\":false}]");
    assertThat(silence.get("endsAt").asText()).isEqualTo("2026-11-20T08:00:01Z");
    assertThat(silence.get("comment").asText()).isEqualTo("upgrade <b>");
    String page = get(web, "/alerts?done=silenced&name=" + id).body();
    assertThat(page).contains("Created silence " + id + ".", "id=\"silence-" + id + "\"",
        "action=\"/alerts/silences/" + id + "/expire\"", "upgrade &lt;b&gt;");

    // One that has run for an hour ends now and stays listed, to show who silenced what.
    store.alerting().silences().add(new dev.earlybird.history.Silence("s-hour", List.of(
        dev.earlybird.model.LabelMatcher.equal("tenant", "acme")), NOW.minusSeconds(3600), NOW.plusSeconds(3600), "joe",
        "", NOW.minusSeconds(3600)));
    HttpResponse<String> expired = noToken(form(web, "/alerts/silences/s-hour/expire", withToken("", TOKEN)));
    assertThat(expired.statusCode()).isEqualTo(303);
    assertThat(expired.headers().firstValue("Location")).hasValue("/alerts?done=expired&name=s-hour#done");
    assertThat(api(web, "/api/v1/silences?state=expired").get("silences").get(0).get("endsAt").asText())
        .isEqualTo("2026-11-20T06:00:01Z");
    // One that has not silenced anything yet (it starts now, by this test's fixed clock) is removed.
    assertThat(form(web, "/alerts/silences/" + id + "/expire", withToken("", TOKEN)).statusCode()).isEqualTo(303);
    assertThat(api(web, "/api/v1/silences").get("silences")).isEmpty();
    assertThat(api(web, "/api/v1/silences?state=expired").get("silences")).hasSize(1);
    assertThat(get(web, "/alerts").body()).contains("id=\"silence-s-hour\"")
        .doesNotContain("action=\"/alerts/silences/s-hour/expire\"");
    HttpResponse<String> again = form(web, "/alerts/silences/" + id + "/expire", withToken("", TOKEN));
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).contains("no current silence " + id);
  }
}
