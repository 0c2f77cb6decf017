package dev.earlybird.web;

import static dev.earlybird.web.StoreSeeds.interval;
import static dev.earlybird.web.StoreSeeds.poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementText;
import dev.earlybird.testing.Csv;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The /hot page and its API twin over a real DuckDB store, seeded through the store's own write paths, and a real
 * Javalin server with a fixed clock: 120 statements in four tenant databases on two targets in the last hour (the two
 * heaviest hostile: markup and a spreadsheet formula), one more three hours ago, and a day-old baseline for every
 * third statement. No test writes, so they share one store and server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotPageTest {
  static final Instant NOW = Instant.parse("2026-11-20T06:00:00Z");
  static final int RECENT = 120;
  static final String SCRIPT_SQL = "SELECT '<script>alert(1)</script>' AS x";
  static final String FORMULA_SQL = "=cmd|' /C calc'!A0";
  static final String LONG_SQL = "SELECT a,\n       b\n  FROM " + "x".repeat(200);
  /** Tenant b works in New York (UTC-5 in November). */
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final Pattern ROW_ID = Pattern.compile("queryId (\\d+)</a>");

  JdbcHistoryStore store;
  HistoryWriter writer;
  WebServer web;
  ObjectMapper json = new ObjectMapper();

  /** target, oid, database: statement i runs in DBS[i % 4]. */
  static final Object[][] DBS = {{"pg1", 16384L, "tenant_a"}, {"pg1", 16385L, "tenant_b"},
      {"pg1", 16386L, "tenant_c"}, {"pg2", 16384L, "tenant_d"}};

  @BeforeAll
  void start(@TempDir Path dir) {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW.plusSeconds(1));
    writer = new HistoryWriter(store, 8);
    for (Object[] d : DBS) {
      store.upsertDatabases((String) d[0], List.of(new DatabaseInfo((String) d[0], (long) d[1], (String) d[2])));
    }
    List<StatementText> texts = new ArrayList<>();
    Map<String, List<StatementInterval>> recent = Map.of("pg1", new ArrayList<>(), "pg2", new ArrayList<>());
    Map<String, List<StatementInterval>> dayBefore = Map.of("pg1", new ArrayList<>(), "pg2", new ArrayList<>());
    for (int i = 0; i < RECENT; i++) {
      Object[] d = DBS[i % 4];
      String target = (String) d[0];
      long oid = (long) d[1];
      String sql = i == 0 ? SCRIPT_SQL : i == 1 ? FORMULA_SQL : i == 4 ? LONG_SQL : "SELECT " + i + " FROM t" + i;
      texts.add(new StatementText(target, oid, 1000 + i, sql, false, String.format("%016x", 1000 + i)));
      // Distinct calls and times, in orders unlike each other, so every column sorts the rows its own way.
      long calls = 1 + (i * 37L) % RECENT;
      double exec = i == 0 ? 10_000 : i == 1 ? 9_000 : 10 + ((i * 53) % RECENT) * 3;
      recent.get(target).add(interval(target, oid, 1000 + i, NOW.minusSeconds(1800), calls, exec));
      if (i % 3 == 0) {
        dayBefore.get(target).add(interval(target, oid, 1000 + i, NOW.minusSeconds(30 * 3600), 10, 10 * (1 + i % 7)));
      }
    }
    texts.add(new StatementText("pg1", 16384, 999, "SELECT 'three hours ago'", false, "00000000000003e7"));
    store.saveTexts(texts);
    for (String target : List.of("pg1", "pg2")) {
      poll(store, target, NOW.minus(Duration.ofDays(5)), List.of()); // first polled long before: baselines are covered
      poll(store, target, NOW.minusSeconds(30 * 3600), dayBefore.get(target));
      poll(store, target, NOW.minusSeconds(3 * 3600), target.equals("pg1")
          ? List.of(interval("pg1", 16384, 999, NOW.minusSeconds(3 * 3600), 1, 5)) : List.of());
      poll(store, target, NOW.minusSeconds(1800), recent.get(target));
    }
    web = server();
  }

  private WebServer server() {
    TenantSettings newYork = new TenantSettings(NEW_YORK, LocalTime.of(7, 0),
        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), new TreeSet<>());
    TenantsConfig tenants = new TenantsConfig(TenantsConfig.DEFAULT.pattern(), TenantSettings.DEFAULT,
        Map.of("b", newYork, "configured_only", TenantSettings.DEFAULT));
    InstantSource clock = InstantSource.fixed(NOW);
    FleetState fleet = new FleetState(List.of("pg1", "pg2"));
    HotList hot = new HotList(store, tenants, new BaselineConfig(BaselineMode.ROLLING, Duration.ofDays(2)));
    Api api = new Api(fleet, hot, tenants, clock, store::databases);
    return StoreSeeds.serve(store, writer, tenants, clock, fleet, api);
  }

  @AfterAll
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return WebServerTest.send(web, "GET", path, null, null);
  }

  private JsonNode getJson(String path) throws Exception {
    return StoreSeeds.getJson(web, path);
  }

  private static List<String> ids(JsonNode hot) {
    List<String> ids = new ArrayList<>();
    hot.get("queries").forEach(q -> ids.add(q.get("queryId").asText()));
    return ids;
  }

  /** The queryIds of a page's rows, in the order shown. */
  private static List<String> rowIds(String html) {
    List<String> ids = new ArrayList<>();
    Matcher m = ROW_ID.matcher(html);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static String link(String html, String rel) {
    Matcher m = Pattern.compile("rel=\"" + rel + "\" href=\"([^\"]+)\"").matcher(html);
    return m.find() ? m.group(1).replace("&amp;", "&") : null;
  }

  private static String csvLink(String html) {
    Matcher m = Pattern.compile("href=\"(/api/v1/hot-queries\\?[^\"]+)\"").matcher(html);
    assertThat(m.find()).as("a CSV link").isTrue();
    return m.group(1).replace("&amp;", "&");
  }

  @ParameterizedTest
  @CsvSource({
    "range=1h,                                            2026-11-20T05:00:00Z, 2026-11-20T06:00:00Z",
    "range=24h,                                           2026-11-19T06:00:00Z, 2026-11-20T06:00:00Z",
    "range=7d,                                            2026-11-13T06:00:00Z, 2026-11-20T06:00:00Z",
    "range=yesterday,                                     2026-11-19T00:00:00Z, 2026-11-20T00:00:00Z",
    // 01:00 on the 20th in New York: its yesterday is the 19th there
    "range=yesterday&tenant=b,                            2026-11-19T05:00:00Z, 2026-11-20T05:00:00Z",
    "from=2026-11-20T01:00&to=2026-11-20T05:30,           2026-11-20T01:00:00Z, 2026-11-20T05:30:00Z",
    "from=2026-11-19T20:00&to=2026-11-20T00:30&tenant=b,  2026-11-20T01:00:00Z, 2026-11-20T05:30:00Z",
    "from=2026-11-20T05:00:00Z&to=2026-11-20T06:00:00Z,   2026-11-20T05:00:00Z, 2026-11-20T06:00:00Z",
    "date=2026-11-19,                                     2026-11-19T00:00:00Z, 2026-11-20T00:00:00Z",
    "'',                                                  2026-11-19T06:00:00Z, 2026-11-20T06:00:00Z"
  })
  void presetsAndRangesGiveTheirWindows(String query, String from, String to) throws Exception {
    JsonNode hot = getJson("/api/v1/hot-queries?" + query);
    assertThat(hot.get("from").asText()).as(query).isEqualTo(from);
    assertThat(hot.get("to").asText()).as(query).isEqualTo(to);
    HttpResponse<String> page = get("/hot?" + query);
    assertThat(page.statusCode()).as(query).isEqualTo(200);
    assertThat(page.body()).contains("<time datetime=\"" + from + "\"", "<time datetime=\"" + to + "\"");
  }

  @Test
  void theLastHourLeavesOutWhatRanThreeHoursAgo() throws Exception {
    assertThat(ids(getJson("/api/v1/hot-queries?range=1h&limit=1000"))).hasSize(RECENT).doesNotContain("999");
    assertThat(ids(getJson("/api/v1/hot-queries?range=24h&limit=1000"))).hasSize(RECENT + 1).contains("999");
    String page = get("/hot?range=1h").body();
    assertThat(page).contains("<strong>Last hour</strong>", "href=\"/hot?range=24h\"", "href=\"/hot?range=yesterday\"",
        "href=\"/hot?range=7d\"");
    assertThat(get("/hot?range=24h&tenant=b&sort=calls&order=asc").body())
        .as("presets keep the filters and the sort").contains("href=\"/hot?tenant=b&amp;sort=calls&amp;order=asc&amp;range=1h\"");
  }

  @ParameterizedTest
  @CsvSource({"cpuMs", "calls", "totalExecMs", "meanMs", "sharePct", "baselineMeanMs", "changePct", "rows", "target",
      "database", "tenant"})
  void everyColumnSortsBothWaysWithMissingValuesLast(String column) throws Exception {
    List<String> all = ids(getJson("/api/v1/hot-queries?limit=1000"));
    for (String order : List.of("asc", "desc")) {
      JsonNode hot = getJson("/api/v1/hot-queries?limit=1000&sort=" + column + "&order=" + order);
      assertThat(ids(hot)).as("the same rows, reordered").containsExactlyInAnyOrderElementsOf(all);
      List<JsonNode> values = new ArrayList<>();
      hot.get("queries").forEach(q -> values.add(q.get(column)));
      int firstNull = (int) values.stream().takeWhile(v -> !v.isNull()).count();
      assertThat(values.subList(firstNull, values.size())).as("nulls last").allMatch(JsonNode::isNull);
      Comparator<JsonNode> by = values.getFirst().isTextual() ? Comparator.comparing(JsonNode::asText)
          : Comparator.comparingDouble(JsonNode::asDouble);
      List<JsonNode> present = values.subList(0, firstNull);
      assertThat(present).as(column + " " + order).hasSizeGreaterThan(1)
          .isSortedAccordingTo(order.equals("asc") ? by : by.reversed());
      if (!column.equals("target")) {
        assertThat(new HashSet<>(present.stream().map(JsonNode::asText).toList())).as("really ordered").hasSizeGreaterThan(3);
      }
      // The page shows the same order, its header links to the other way round.
      String page = get("/hot?sort=" + column + "&order=" + order).body();
      assertThat(rowIds(page)).containsExactlyElementsOf(ids(hot).subList(0, HotPage.SIZE));
      if (!column.equals("rows")) { // rows is in the API and the CSV, not a column of the page
        assertThat(page).contains("href=\"/hot?sort=" + column + "&amp;order=" + (order.equals("asc") ? "desc" : "asc")
            + "\"");
      }
    }
  }

  @Test
  void theDefaultIsCpuDescendingAsTheApiAlwaysRanked() throws Exception {
    JsonNode hot = getJson("/api/v1/hot-queries?limit=1000");
    assertThat(ids(hot)).containsExactlyElementsOf(ids(getJson("/api/v1/hot-queries?limit=1000&sort=cpuMs&order=desc")));
    assertThat(ids(hot).subList(0, 2)).containsExactly("1000", "1001");
    assertThat(hot.get("nextCursor").isNull()).isTrue();
    assertThat(ids(getJson("/api/v1/hot-queries"))).as("the default limit stays 100").hasSize(100);
  }

  @Test
  void pagesWalkEveryRowOnceInBothPagingModes() throws Exception {
    for (String sort : List.of("", "&sort=meanMs&order=asc")) {
      List<String> expected = ids(getJson("/api/v1/hot-queries?limit=1000" + sort));
      List<String> seen = new ArrayList<>();
      String next = "/hot?range=24h" + sort;
      String previous = null;
      int pages = 0;
      while (next != null && pages < 10) {
        HttpResponse<String> page = get(next);
        assertThat(page.statusCode()).as(next).isEqualTo(200);
        List<String> rows = rowIds(page.body());
        assertThat(rows).hasSizeBetween(1, HotPage.SIZE);
        seen.addAll(rows);
        assertThat(link(page.body(), "prev") != null).as("a previous link after the first page").isEqualTo(pages > 0);
        if (pages == 1) {
          previous = link(page.body(), "prev");
        }
        next = link(page.body(), "next");
        pages++;
      }
      assertThat(pages).isEqualTo(3);
      assertThat(seen).as(sort).containsExactlyElementsOf(expected);
      assertThat(rowIds(get(previous).body())).as("previous leads back").isEqualTo(expected.subList(0, HotPage.SIZE));

      List<String> api = new ArrayList<>();
      String cursor = null;
      int calls = 0;
      do {
        JsonNode hot = getJson("/api/v1/hot-queries?limit=30" + sort + (cursor == null ? "" : "&cursor=" + cursor));
        api.addAll(ids(hot));
        cursor = hot.get("nextCursor").isNull() ? null : hot.get("nextCursor").asText();
        calls++;
      } while (cursor != null && calls < 30);
      assertThat(api).containsExactlyElementsOf(expected);
      assertThat(calls).isEqualTo((expected.size() + 29) / 30);
    }
  }

  @Test
  void limitSetsThePageSizeAsInTheApi() throws Exception {
    List<String> expected = ids(getJson("/api/v1/hot-queries?limit=1000&sort=tenant"));
    String first = get("/hot?limit=100&sort=tenant").body();
    assertThat(rowIds(first)).containsExactlyElementsOf(expected.subList(0, 100));
    assertThat(Csv.read(get(csvLink(first)).body())).hasSize(100);
    String second = get(link(first, "next")).body();
    assertThat(rowIds(second)).containsExactlyElementsOf(expected.subList(100, expected.size()));
    assertThat(link(second, "next")).isNull();
    assertThat(rowIds(get(link(second, "prev")).body())).containsExactlyElementsOf(expected.subList(0, 100));
    assertThat(get("/hot?limit=1001").statusCode()).isEqualTo(400);
  }

  @Test
  void theCsvIsExactlyThePageShownWithHostileTextNeutralised() throws Exception {
    for (String query : List.of("", "?sort=changePct&order=asc&tenant=a", "?sort=calls")) {
      HttpResponse<String> page = get("/hot" + query);
      List<String> shown = rowIds(page.body());
      String second = link(page.body(), "next");
      for (String path : second == null ? List.of("/hot" + query) : List.of("/hot" + query, second)) {
        String html = get(path).body();
        HttpResponse<String> csv = get(csvLink(html));
        assertThat(csv.statusCode()).as(path).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
            .startsWith("attachment; filename=\"hot-queries-").endsWith(".csv\"");
        List<Map<String, String>> rows = Csv.read(csv.body());
        assertThat(rows).extracting(r -> r.get("queryId")).as(path).containsExactlyElementsOf(rowIds(html));
      }
      assertThat(shown).isNotEmpty();
    }
    String first = get("/hot").body();
    assertThat(first).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)&lt;/script&gt;",
        FORMULA_SQL);
    List<Map<String, String>> rows = Csv.read(get(csvLink(first)).body());
    assertThat(rows.get(0)).containsEntry("query", SCRIPT_SQL).containsEntry("database", "tenant_a")
        .containsEntry("tenant", "a").containsEntry("cpuSource", "pg_stat_kcache").containsEntry("calls", "1")
        .containsEntry("totalExecMs", "10000").containsEntry("cpuMs", "5000");
    assertThat(rows.get(1).get("query")).as("a formula a spreadsheet would run, as text").isEqualTo("'" + FORMULA_SQL);
    assertThat(Csv.header(get(csvLink(first)).body())).containsExactly("target", "database", "tenant", "queryId",
        "family", "query", "calls", "totalExecMs", "meanMs", "cpuMs", "cpuSource", "sharePct", "baselineMeanMs", "rows",
        "windowSharePct", "changePct", "baseline", "piOnly", "piDigest", "rank");
  }

  @Test
  void thePageOffersTargetsAndTenantsAndShortensSql() throws Exception {
    String page = get("/hot?tenant=b").body();
    assertThat(page).contains("<option value=\"pg1\"", "<option value=\"pg2\"", "<option value=\"a\"",
        "<option value=\"b\" selected", "<option value=\"d\"", "<option value=\"configured_only\"",
        "tenant b's zone, America/New_York", "name=\"database\"");
    assertThat(page).as("the default window stays rolling when the form is sent again")
        .contains("type=\"datetime-local\" name=\"from\" value=\"\"");
    assertThat(get("/hot?tenant=b&from=2026-11-19T01:00&to=2026-11-20T01:00").body()).as("a typed window is kept")
        .contains("type=\"datetime-local\" name=\"from\" value=\"2026-11-19T01:00\"");
    assertThat(get("/hot?range=7d").body()).as("a preset is kept through the filter form")
        .contains("<input type=\"hidden\" name=\"range\" value=\"7d\">");
    HttpResponse<String> typed = get("/hot?range=7d&from=2026-11-19T01:00&to=&database=x");
    assertThat(typed.statusCode()).as("a window typed over a preset replaces it").isEqualTo(303);
    assertThat(typed.headers().firstValue("Location")).hasValue("/hot?from=2026-11-19T01%3A00&database=x");
    assertThat(get("/hot").body()).contains("From and to are in UTC");
    assertThat(rowIds(page)).hasSize(RECENT / 4);
    // A statement with a long text: one line, cut, the whole text in the details.
    String shown = get("/hot?tenant=a").body();
    String cut = "SELECT a, b FROM " + "x".repeat(82) + "\u2026";
    assertThat(shown).contains("<summary><code>" + cut + "</code></summary><code>" + LONG_SQL + "</code>");
    assertThat(shown).contains("<abbr class=\"src\" title=\"pg_stat_kcache: CPU time measured per statement\">kc</abbr>");
  }

  @Test
  void familiesAndStatementsLinkToEachOtherWithTheSameWindowAndFilters() throws Exception {
    String hot = get("/hot?range=1h&tenant=b").body();
    assertThat(hot).contains("href=\"/families?from=2026-11-20T05%3A00%3A00Z&amp;tenant=b&amp;to=2026-11-20T06%3A00%3A00Z\"");
    String families = get("/families?date=2026-11-19&tenant=b").body();
    assertThat(families).contains("href=\"/hot?date=2026-11-19&amp;tenant=b\"");
    assertThat(get("/").body()).as("the nav's hot list is the families view").contains("<a href=\"/families\">Hot queries</a>");
  }

  @Test
  void badParametersAreA400NamingTheParameterAndTheChoices() throws Exception {
    Map<String, String> cases = Map.of(
        "range=2h", "'range' must be one of 1h, 24h, yesterday, 7d",
        "sort=speed", "'sort' must be one of cpuMs, calls,",
        "order=up", "'order' must be asc or desc",
        "format=xml", "'format' must be json or csv",
        "cursor=nonsense", "'cursor'",
        "range=1h&date=2026-11-19", "'range'",
        "limit=0", "'limit'",
        "from=2026-11-20T05:00&to=2026-11-20T04:00", "'from'");
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = get("/api/v1/hot-queries?" + c.getKey());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(json.readTree(r.body()).get("error").asText()).as(c.getKey()).contains(c.getValue());
    }
    String next = getJson("/api/v1/hot-queries?limit=5").get("nextCursor").asText();
    HttpResponse<String> otherSort = get("/api/v1/hot-queries?limit=5&sort=calls&cursor=" + next);
    assertThat(otherSort.statusCode()).isEqualTo(400);
    assertThat(json.readTree(otherSort.body()).get("error").asText()).contains("'cursor' belongs to sort=cpuMs");
    HttpResponse<String> page = get("/hot?range=2h");
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("'range' must be one of 1h, 24h, yesterday, 7d", "<form id=\"window\"");
  }
}
