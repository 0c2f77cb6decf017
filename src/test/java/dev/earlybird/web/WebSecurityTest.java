package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.Secret;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
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
  DuckDbHistoryStore store;
  HistoryWriter writer;
  WebServer web;

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW.plusSeconds(1));
    writer = new HistoryWriter(store, 8);
    StatementKey key = new StatementKey("pg1", 5, 10, 42, true);
    Counters c =
        new Counters(4, 40, 10, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, OptionalDouble.empty());
    StatementInterval i = new StatementInterval(key, NOW.minusSeconds(60), NOW, 4, 40, 404, 4,
        0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, OptionalDouble.empty());
    store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 5, "tenant acme/é")));
    store.saveTexts(List.of(new StatementText("pg1", 5, 42, "SELECT '<script>alert(1)</script>'", false, "abc")));
    store.recordPoll(PollRecord.success(
        new Snapshot("pg1", NOW, Optional.empty(), OptionalLong.empty(), Map.of(key, c)), List.of(i), true));
    web = server(Optional.of(new Secret(TOKEN)), "");
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  /** Wired like the agent: every view, alerting included. */
  private WebServer server(Optional<Secret> token, String basePath) {
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
        Matcher m = Pattern.compile("(href|action|src)=\"([^\"]*)\"").matcher(r.body());
        while (m.find()) {
          String url = m.group(2).replace("&amp;", "&");
          assertThat(url).as("a link on " + page).startsWith(BASE + "/");
          if (seen.add(url)) {
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
}
