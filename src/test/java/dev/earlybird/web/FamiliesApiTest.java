package dev.earlybird.web;

import static dev.earlybird.web.StoreSeeds.interval;
import static dev.earlybird.web.StoreSeeds.poll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.FamilyDatabase;
import dev.earlybird.history.FamilyFilter;
import dev.earlybird.history.FamilyRow;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.Period;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.Subject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet view of statement families over a real DuckDB store, seeded through the store's own write paths, and a
 * real Javalin server: the same SQL in five tenant databases on two targets, one tenant slow.
 */
class FamiliesApiTest {
  static final Instant NOW = Instant.parse("2026-11-20T06:00:00Z");
  static final String ORDERS = "0123456789abcdef";
  static final String ORDERS_SQL = "SELECT *\n  FROM orders WHERE id = $1";
  static final String EVIL = "fedcba9876543210";
  static final String EVIL_SQL = "SELECT '<script>alert(1)</script>' AS x";
  /** Five more families in tenant_b, each cheaper than the last: enough to page through. */
  static final int OTHERS = 5;

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  WebServer web;
  ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW.plusSeconds(1));
    writer = new HistoryWriter(store, 8);
    store.upsertDatabases("pg1", List.of(db("pg1", 16384, "tenant_a"), db("pg1", 16385, "tenant_b"),
        db("pg1", 16386, "tenant_c")));
    store.upsertDatabases("pg2", List.of(db("pg2", 16384, "tenant_d"), db("pg2", 16385, "tenant_e")));
    List<StatementText> texts = new ArrayList<>();
    List<StatementInterval> pg1 = new ArrayList<>(), pg2 = new ArrayList<>();
    Instant end = NOW.minusSeconds(3600);
    // The same SQL everywhere (a queryid per database), 10 calls each: 2 ms per call, 20 ms in tenant_e.
    long[][] orders = {{1, 16384, 101}, {1, 16385, 102}, {1, 16386, 103}, {2, 16384, 104}, {2, 16385, 105}};
    for (long[] o : orders) {
      String target = "pg" + o[0];
      texts.add(new StatementText(target, o[1], o[2], ORDERS_SQL, false, ORDERS));
      double exec = o[2] == 105 ? 200 : 20;
      (o[0] == 1 ? pg1 : pg2).add(interval(target, o[1], o[2], end, 10, exec));
    }
    texts.add(new StatementText("pg1", 16384, 201, EVIL_SQL, false, EVIL));
    pg1.add(interval("pg1", 16384, 201, end, 1, 1));
    for (int i = 0; i < OTHERS; i++) {
      String family = "aaaaaaaaaaaaaa0" + i;
      texts.add(new StatementText("pg1", 16385, 300 + i, "SELECT " + i + " FROM other", false, family));
      pg1.add(interval("pg1", 16385, 300 + i, end, 5, 10 - i));
    }
    store.saveTexts(texts);
    // The day before: ORDERS ran at 1 ms per call.
    poll(store, "pg1", NOW.minusSeconds(30 * 3600), List.of(interval("pg1", 16384, 101, NOW.minusSeconds(30 * 3600), 10, 10)));
    poll(store, "pg1", end, pg1);
    poll(store, "pg2", end, pg2);
    Evidence.Outlier evidence = new Evidence.Outlier(20, 2, 10, 5, 10, 1.0);
    store.recordEvaluation(NOW, List.of(new Finding("fo-1", "fo", Severity.WARNING, FindingState.ACTIVE,
        new Subject.Statement("pg2", 16385, "tenant_e", "e", 105, ORDERS), "10.0x slower per call than the same SQL",
        end, end, Optional.empty(), 1, 0, evidence)), List.of());
    web = server();
  }

  private WebServer server() {
    TenantsConfig tenants = TenantsConfig.DEFAULT;
    InstantSource clock = InstantSource.fixed(NOW.plusSeconds(1));
    FleetState fleet = new FleetState(List.of("pg1", "pg2"));
    Api api = new Api(fleet, new HotList(store, tenants, BaselineConfig.defaults()), tenants, clock);
    return StoreSeeds.serve(store, writer, tenants, clock, fleet, api);
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  private static DatabaseInfo db(String target, long oid, String name) {
    return new DatabaseInfo(target, oid, name);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return WebServerTest.send(web, "GET", path, null, null);
  }

  private JsonNode getJson(String path) throws Exception {
    return StoreSeeds.getJson(web, path);
  }

  private static JsonNode family(JsonNode list, String family) {
    for (JsonNode f : list.get("families")) {
      if (f.get("family").asText().equals(family)) {
        return f;
      }
    }
    throw new AssertionError("no family " + family + " in " + list);
  }

  @Test
  void theSameSqlInFiveDatabasesIsOneFamilyWithTheSlowTenantWorst() throws Exception {
    JsonNode list = getJson("/api/v1/families");
    assertThat(list.get("families").get(0).get("family").asText()).isEqualTo(ORDERS);
    JsonNode f = family(list, ORDERS);
    assertThat(f.get("query").asText()).isEqualTo(ORDERS_SQL);
    assertThat(f.get("databases").asInt()).isEqualTo(5);
    assertThat(f.get("tenants").asInt()).isEqualTo(5);
    assertThat(f.get("calls").asLong()).isEqualTo(50);
    assertThat(f.get("totalExecMs").asDouble()).isEqualTo(280);
    assertThat(f.get("cpuMs").asDouble()).isEqualTo(140);
    assertThat(f.get("cpuSource").asText()).isEqualTo("pg_stat_kcache");
    assertThat(f.get("medianMs").asDouble()).isEqualTo(2);
    assertThat(f.get("p90Ms").asDouble()).isEqualTo(12.8); // between 2 and 20, as percentile_cont interpolates
    assertThat(f.get("worstMs").asDouble()).isEqualTo(20);
    JsonNode worst = f.get("worst").get(0);
    assertThat(worst.get("target").asText()).isEqualTo("pg2");
    assertThat(worst.get("database").asText()).isEqualTo("tenant_e");
    assertThat(worst.get("tenant").asText()).isEqualTo("e");
    assertThat(worst.get("queryId").asText()).isEqualTo("105");
    assertThat(worst.get("meanMs").asDouble()).isEqualTo(20);
    assertThat(worst.get("ratio").asDouble()).isEqualTo(10);
    assertThat(f.get("worst")).hasSize(3);
    // The day before, the fleet ran it at 1 ms per call; now 280 ms / 50 calls.
    assertThat(f.get("baselineMeanMs").asDouble()).isEqualTo(1);
    assertThat(f.get("change").asDouble()).isEqualTo(5.6);
    assertThat(f.get("findings").get("outlier").asInt()).isEqualTo(1);
    assertThat(family(list, EVIL).get("baselineMeanMs").isNull()).isTrue();
    assertThat(family(list, EVIL).get("change").isNull()).isTrue();
    assertThat(list.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void filtersByTenantAndTarget() throws Exception {
    JsonNode e = getJson("/api/v1/families?tenant=e");
    assertThat(e.get("families")).hasSize(1);
    assertThat(family(e, ORDERS).get("databases").asInt()).isEqualTo(1);
    assertThat(family(e, ORDERS).get("medianMs").asDouble()).isEqualTo(20);

    JsonNode pg1 = getJson("/api/v1/families?target=pg1");
    JsonNode orders = family(pg1, ORDERS);
    assertThat(orders.get("databases").asInt()).isEqualTo(3);
    assertThat(orders.get("worstMs").asDouble()).isEqualTo(2);
    assertThat(orders.get("findings").size()).isZero(); // the outlier is on pg2
    assertThat(pg1.get("families")).hasSize(2 + OTHERS);

    assertThat(getJson("/api/v1/families?target=pg2").get("families")).hasSize(1);
  }

  @Test
  void databasesOfOneTenantCountAsOneTenant() {
    // A pattern that puts tenant_d and tenant_e in the same tenant "e".
    FamilyFilter f = new FamilyFilter(new Period(NOW.minusSeconds(86_400), NOW), Optional.empty(), Optional.empty(),
        name -> name.equals("tenant_d") ? "e" : TenantsConfig.DEFAULT.tenantOf(name));
    FamilyRow orders = store.families().page(f, Optional.empty(), 1).rows().getFirst();
    assertThat(orders.databases()).isEqualTo(5);
    assertThat(orders.tenants()).isEqualTo(4);
    FamilyRow e = store.families()
        .page(new FamilyFilter(f.window(), Optional.empty(), Optional.of("e"), f.tenantOf()), Optional.empty(), 5)
        .rows().getFirst();
    assertThat(e.databases()).isEqualTo(2);
    assertThat(e.tenants()).isEqualTo(1);
    assertThat(e.worst()).extracting(FamilyDatabase::tenant).containsOnly("e");
  }

  @Test
  void cursorPagingReturnsEveryFamilyExactlyOnce() throws Exception {
    List<String> seen = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = getJson("/api/v1/families?limit=2"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      assertThat(page.get("families").size()).isBetween(1, 2);
      page.get("families").forEach(f -> {
        seen.add(f.get("family").asText());
        cpu.add(f.get("cpuMs").asDouble());
      });
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).hasSize(2 + OTHERS).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).containsAll(Set.of(ORDERS, EVIL));
    assertThat(cpu).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(pages).isEqualTo(4);
  }

  @Test
  void badParametersAre400NamingThem() throws Exception {
    for (String q : List.of("limit=0", "limit=501", "limit=ten")) {
      HttpResponse<String> r = get("/api/v1/families?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(json.readTree(r.body()).get("error").asText()).contains("'limit'");
    }
    HttpResponse<String> bad = get("/api/v1/families?cursor=not-a-cursor");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText()).contains("'cursor'");
    String next = getJson("/api/v1/families?limit=1").get("nextCursor").asText();
    HttpResponse<String> otherWindow = get("/api/v1/families?date=2026-11-01&cursor=" + next);
    assertThat(otherWindow.statusCode()).isEqualTo(400);
    assertThat(json.readTree(otherWindow.body()).get("error").asText()).contains("'cursor'");
    assertThat(get("/api/v1/families?from=yesterday").statusCode()).isEqualTo(400);
    assertThat(get("/families?limit=0").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/families/not%20a%20family").statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = get("/api/v1/families/00000000deadbeef");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json.readTree(unknown.body()).get("error").asText()).contains("00000000deadbeef");
    assertThat(get("/families/00000000deadbeef").statusCode()).isEqualTo(404);
  }

  @Test
  void oneFamilyRanksItsDatabasesByCostPerCall() throws Exception {
    JsonNode d = getJson("/api/v1/families/" + ORDERS);
    assertThat(d.get("medianMs").asDouble()).isEqualTo(2);
    JsonNode dbs = d.get("databases");
    assertThat(dbs).hasSize(5);
    JsonNode first = dbs.get(0);
    assertThat(first.get("database").asText()).isEqualTo("tenant_e");
    assertThat(first.get("ratio").asDouble()).isEqualTo(10);
    assertThat(first.get("link").asText()).isEqualTo("/queries/pg2/tenant_e/105");
    assertThat(first.get("findings").get(0).get("kind").asText()).isEqualTo("outlier");
    assertThat(dbs.get(4).get("ratio").asDouble()).isEqualTo(1);
    assertThat(dbs.get(4).get("findings")).isEmpty();
    JsonNode chart = d.get("chart");
    assertThat(chart.get("bucket").asText()).isEqualTo("hour");
    assertThat(chart.get("median")).hasSize(1);
    assertThat(chart.get("median").get(0).get("meanMs").asDouble()).isEqualTo(2);
    assertThat(chart.get("median").get(0).get("calls").asInt()).isEqualTo(5);
    assertThat(chart.get("worst")).hasSize(5);
    assertThat(chart.get("worst").get(0).get("database").asText()).isEqualTo("tenant_e");
    assertThat(chart.get("worst").get(0).get("points").get(0).get("meanMs").asDouble()).isEqualTo(20);

    HttpResponse<String> page = get("/families/" + ORDERS);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<svg id=\"chart\"", "<polyline", "<circle", "href=\"/queries/pg2/tenant_e/105\"",
        "10.00x", "fleet median");
  }

  @Test
  void theListPageShowsFamiliesAndPagesOn() throws Exception {
    HttpResponse<String> page = get("/families?limit=1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<table id=\"families\"", "<details>", "href=\"/families/" + ORDERS,
        "href=\"/queries/pg2/tenant_e/105\"", "rel=\"next\"");
    String next = page.body().replaceAll("(?s).*rel=\"next\" href=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
    HttpResponse<String> second = get(next);
    assertThat(second.statusCode()).as(next).isEqualTo(200);
    assertThat(second.body()).contains("rel=\"first\"", "href=\"/families/aaaaaaaaaaaaaa00").doesNotContain("href=\"/families/" + ORDERS);
    assertThat(get("/hot").body()).contains("href=\"/families\"");
    assertThat(get("/").body()).contains("href=\"/families\"");
  }

  @Test
  void markupInStatementTextIsEscapedOnBothPages() throws Exception {
    for (String path : List.of("/families", "/families/" + EVIL)) {
      HttpResponse<String> page = get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body()).as(path).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  }

  @Test
  void aStatementShowsTheSameSqlInTheFleetsOtherDatabases() throws Exception {
    JsonNode sib = getJson("/api/v1/queries/pg1/tenant_a/101").get("siblings");
    assertThat(sib.get("family").asText()).isEqualTo(ORDERS);
    assertThat(sib.get("databases").asInt()).isEqualTo(5);
    // tenant_e is the slowest at 20 ms per call; the four others tie at 2 ms, in target and oid order.
    assertThat(sib.get("rank").asInt()).isEqualTo(2);
    assertThat(sib.get("medianMs").asDouble()).isEqualTo(2);
    assertThat(sib.get("ratio").asDouble()).isEqualTo(1);
    assertThat(sib.get("link").asText()).startsWith("/families/" + ORDERS + "?");
    JsonNode worst = sib.get("worst");
    assertThat(worst).hasSize(4);
    assertThat(worst.get(0).get("database").asText()).isEqualTo("tenant_e");
    assertThat(worst.get(0).get("tenant").asText()).isEqualTo("e");
    assertThat(worst.get(0).get("meanMs").asDouble()).isEqualTo(20);
    assertThat(worst.get(0).get("ratio").asDouble()).isEqualTo(10);
    assertThat(worst.get(0).get("link").asText()).isEqualTo("/queries/pg2/tenant_e/105");
    assertThat(worst.findValuesAsText("database")).doesNotContain("tenant_a");
    JsonNode chart = sib.get("chart");
    assertThat(chart.get("bucket").asText()).isEqualTo("hour");
    assertThat(chart.get("median")).hasSize(1);
    assertThat(chart.get("median").get(0).get("meanMs").asDouble()).isEqualTo(2);
    assertThat(chart.get("median").get(0).get("calls").asInt()).isEqualTo(5);
    assertThat(chart.get("worst")).hasSize(4);
    assertThat(chart.get("worst").get(0).get("points").get(0).get("meanMs").asDouble()).isEqualTo(20);
    assertThat(sib.get("self").get("database").asText()).isEqualTo("tenant_a");
    assertThat(sib.get("self").get("points").get(0).get("meanMs").asDouble()).isEqualTo(2);

    // The slow one is first of five, ten times the median.
    JsonNode slow = getJson("/api/v1/queries/pg2/tenant_e/105").get("siblings");
    assertThat(slow.get("rank").asInt()).isEqualTo(1);
    assertThat(slow.get("ratio").asDouble()).isEqualTo(10);
    assertThat(slow.get("worst").get(0).get("meanMs").asDouble()).isEqualTo(2);
  }

  @Test
  void theStatementPageListsTheSlowestSiblingsWithoutJavaScript() throws Exception {
    HttpResponse<String> page = get("/queries/pg1/tenant_a/101");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<table id=\"siblings\"", "href=\"/queries/pg2/tenant_e/105\"", "10.00x",
        "number 2 of 5", "href=\"/families/" + ORDERS + "?");
    // The text laid out one clause a line, tokens untouched.
    assertThat(page.body()).contains("<pre id=\"query\"><code>SELECT *\nFROM orders\nWHERE id = $1</code></pre>");
  }

  @Test
  void aStatementAloneInTheFleetHasNoSlowerSiblings() throws Exception {
    JsonNode sib = getJson("/api/v1/queries/pg1/tenant_a/201").get("siblings");
    assertThat(sib.get("databases").asInt()).isEqualTo(1);
    assertThat(sib.get("rank").asInt()).isEqualTo(1);
    assertThat(sib.get("worst")).isEmpty();
    HttpResponse<String> page = get("/queries/pg1/tenant_a/201");
    assertThat(page.body()).doesNotContain("<table id=\"siblings\"", "<script>alert")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }
}
