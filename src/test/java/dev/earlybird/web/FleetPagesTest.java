package dev.earlybird.web;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.StoredReview;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.Subject;
import dev.earlybird.schedule.ReviewCalendar;
import dev.earlybird.schedule.ReviewQueue;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet page, the advice page and the paged lists over a real DuckDB store (seeded through its own write
 * paths) and a real Javalin server over HTTP.
 */
class FleetPagesTest {
  static final Instant NOW = Instant.parse("2026-11-20T06:00:00Z"); // a Friday
  static final String EVIL_TABLE = "public.\"<script>alert(1)</script>\"";
  static final String DDL = "CREATE INDEX CONCURRENTLY ON " + EVIL_TABLE + " (customer_id)";

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  WebServer web;
  FleetState fleet = new FleetState(List.of("pg1", "pg2"));
  ReviewQueue queue = new ReviewQueue(InstantSource.fixed(NOW));
  TenantsConfig tenants = new TenantsConfig(Pattern.compile(TenantsConfig.DEFAULT_PATTERN), TenantSettings.DEFAULT,
      Map.of("acme", settings("America/New_York"), "globex", settings("Asia/Tokyo")));
  ObjectMapper json = new ObjectMapper();

  private static TenantSettings settings(String zone) {
    return new TenantSettings(ZoneId.of(zone), LocalTime.of(8, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
        new TreeSet<>());
  }

  @BeforeEach
  void start() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW.plusSeconds(1));
    writer = new HistoryWriter(store, 8);
    store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 16384, "tenant_a"),
        new DatabaseInfo("pg1", 16385, "tenant_b")));
    store.upsertDatabases("pg2", List.of(new DatabaseInfo("pg2", 16384, "tenant_c")));
    // Both reviewed through their last workday before now: Thursday in New York, Friday in Tokyo.
    for (var t : Map.of("acme", LocalDate.of(2026, 11, 19), "globex", LocalDate.of(2026, 11, 20)).entrySet()) {
      queue.put(t.getKey(), new ReviewCalendar(tenants.settingsFor(t.getKey()), Duration.ofMinutes(30)), t.getValue());
    }
    InstantSource clock = InstantSource.fixed(NOW);
    Api api = new Api(fleet, new HotList(store, tenants, BaselineConfig.defaults()), tenants, clock);
    BaselineApi baselines = new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), Optional.empty());
    FindingsApi findings = new FindingsApi(store);
    QueriesApi queries = new QueriesApi(store, tenants, clock);
    var handlers = new WebServer.Handlers(api, findings, queries, baselines,
        new Pages(fleet, api, baselines, findings, queries, queue::upcoming),
        new AlertsApi(store.alerting(), Optional.empty(), clock));
    web = new WebServer(() -> handlers, new AgentMetrics("test"), new Readiness(store.health()), Reloader.NONE)
        .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    web.close();
    writer.close();
    store.close();
  }

  /** A minute's interval ending at {@code end} with a pg_stat_kcache CPU time. */
  private void poll(String target, long dbId, long queryId, Instant end, long calls, double cpuMs) {
    var i = new StatementInterval(new StatementKey(target, dbId, 10, queryId, true), end.minusSeconds(60), end,
            CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, cpuMs * 2)
            .with(Counter.ROWS, calls), OptionalDouble.of(cpuMs));
    store.recordPoll(PollRecord.success(new Snapshot(target, end, Optional.empty(), OptionalLong.empty(), Map.of()),
        List.of(i), true));
  }

  private static Finding finding(String id, Severity severity, FindingState state, Subject subject, Instant lastSeen,
      Evidence evidence) {
    return new Finding(id, id, severity, state, subject, "summary of " + id, lastSeen.minusSeconds(600), lastSeen,
        state == FindingState.RESOLVED ? Optional.of(lastSeen) : Optional.empty(), 1, 0, evidence);
  }

  private static Subject.Statement statement(String target, long dbId, String database, long queryId) {
    return new Subject.Statement(target, dbId, database, database.replace("tenant_", ""), queryId, "fam" + queryId);
  }

  private static final Evidence OUTLIER = new Evidence.Outlier(20, 2, 10, 5, 10, 1.0);

  private void record(Finding... findings) {
    store.recordEvaluation(NOW, List.of(findings), List.of());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return WebServerTest.send(web, "GET", path, null, null);
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void fleetShowsCpuFindingsBySeverityAndTheNextReviewsInTheTenantsZone() throws Exception {
    poll("pg1", 16384, 1, NOW.minusSeconds(30 * 60), 10, 5);     // in the last hour
    poll("pg1", 16385, 2, NOW.minusSeconds(5 * 3600), 4, 7);     // in the last day only
    poll("pg1", 16384, 1, NOW.minusSeconds(30 * 3600), 100, 99); // older than a day: not counted
    poll("pg2", 16384, 3, NOW.minusSeconds(10 * 60), 2, 1.5);
    Subject.Statement a = statement("pg1", 16384, "tenant_a", 1);
    record(finding("c1", Severity.CRITICAL, FindingState.ACTIVE, a, NOW, OUTLIER),
        finding("c2", Severity.CRITICAL, FindingState.ACTIVE, statement("pg1", 16385, "tenant_b", 2), NOW, OUTLIER),
        finding("w1", Severity.WARNING, FindingState.ACTIVE, a, NOW, OUTLIER),
        finding("w2", Severity.WARNING, FindingState.RESOLVED, a, NOW, OUTLIER),
        finding("i1", Severity.INFO, FindingState.ACTIVE, statement("pg2", 16384, "tenant_c", 3), NOW, OUTLIER));
    fleet.update("pg1", s -> new dev.earlybird.model.TargetStatus("pg1", true, NOW.minusSeconds(20), "17.4", 2, null,
        true, null, 0));

    JsonNode f = getJson("/api/v1/fleet");
    JsonNode pg1 = f.get("targets").get(0);
    assertThat(pg1.get("name").asText()).isEqualTo("pg1");
    assertThat(pg1.get("health").asText()).isEqualTo("up");
    assertThat(pg1.get("lastPollAt").asText()).isEqualTo("2026-11-20T05:59:40Z");
    assertThat(pg1.get("cpu").get("lastHourMs").asDouble()).isEqualTo(5);
    assertThat(pg1.get("cpu").get("last24hMs").asDouble()).isEqualTo(12);
    assertThat(pg1.get("cpu").get("calls24h").asLong()).isEqualTo(14);
    assertThat(pg1.get("cpu").get("source").asText()).isEqualTo("pg_stat_kcache");
    assertThat(pg1.get("findings").get("critical").asLong()).isEqualTo(2);
    assertThat(pg1.get("findings").get("warning").asLong()).isEqualTo(1); // the resolved one is not counted
    assertThat(pg1.get("findings").get("info").asLong()).isZero();
    JsonNode pg2 = f.get("targets").get(1);
    assertThat(pg2.get("health").asText()).isEqualTo("down");
    assertThat(pg2.get("cpu").get("last24hMs").asDouble()).isEqualTo(1.5);
    assertThat(pg2.get("findings").get("info").asLong()).isEqualTo(1);
    // 08:00 minus 30 minutes of lead on each tenant's clock: acme in New York still on Friday, globex in Tokyo
    // (already Friday afternoon) on Monday.
    JsonNode reviews = f.get("nextReviews");
    assertThat(reviews).hasSize(2);
    assertThat(reviews.get(0).get("tenant").asText()).isEqualTo("acme");
    assertThat(reviews.get(0).get("at").asText()).isEqualTo("2026-11-20T12:30:00Z");
    assertThat(reviews.get(0).get("localTime").asText()).isEqualTo("Fri 2026-11-20 07:30");
    assertThat(reviews.get(0).get("zone").asText()).isEqualTo("America/New_York");
    assertThat(reviews.get(1).get("tenant").asText()).isEqualTo("globex");
    assertThat(reviews.get(1).get("localTime").asText()).isEqualTo("Mon 2026-11-23 07:30");

    String page = get("/").body();
    assertThat(page).contains("href=\"/findings?target=pg1&amp;severity=critical&amp;state=active\">2 critical</a>")
        .contains("href=\"/families?target=pg1\"").contains("href=\"/hot?target=pg1\"")
        .contains("<time datetime=\"2026-11-20T05:59:40Z\"")
        .contains("Fri 2026-11-20 07:30 <small>America/New_York</small>")
        .contains("<time datetime=\"2026-11-20T12:30:00Z\"")
        .contains("href=\"/reviews?tenant=acme\"");
    // The link a count makes lists exactly what it counted.
    JsonNode critical = getJson("/api/v1/findings?target=pg1&severity=critical&state=active");
    assertThat(critical.get("findings")).hasSize(2);
    // The old contract is unchanged.
    assertThat(getJson("/api/v1/targets").get(0).has("health")).isFalse();
  }

  @Test
  void pagingWalksEveryFindingOnceWhileNewFindingsArrive() throws Exception {
    List<Finding> seeded = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      Severity sev = Severity.values()[i % 3];
      FindingState state = i % 5 == 0 ? FindingState.RESOLVED : FindingState.ACTIVE;
      // Many share a last-seen time, so the id must break ties.
      seeded.add(finding("f%03d".formatted(i), sev, state, statement("pg1", 16384, "tenant_a", i),
          NOW.minusSeconds(60L * (i % 7)), OUTLIER));
    }
    record(seeded.toArray(Finding[]::new));
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = getJson("/api/v1/findings?limit=100" + (cursor == null ? "" : "&cursor=" + enc(cursor)));
      for (JsonNode f : page.get("findings")) {
        assertThat(seen.add(f.get("id").asText())).as("seen twice: " + f.get("id")).isTrue();
        order.add(f.get("id").asText());
      }
      // New findings keep arriving, before and after the rows read so far.
      record(finding("new-" + pages + "-late", Severity.CRITICAL, FindingState.ACTIVE,
              statement("pg1", 16384, "tenant_a", 1000 + pages), NOW.plusSeconds(60), OUTLIER),
          finding("new-" + pages + "-early", Severity.INFO, FindingState.RESOLVED,
              statement("pg1", 16384, "tenant_a", 2000 + pages), NOW.minusSeconds(86_400), OUTLIER));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).containsAll(seeded.stream().map(Finding::id).toList());
    // The first page without a cursor is the list as it was before paging: critical, active, newest first.
    JsonNode first = getJson("/api/v1/findings?limit=3");
    assertThat(first.get("prevCursor").isNull()).isTrue();
    assertThat(first.get("findings").get(0).get("severity").asText()).isEqualTo("critical");
    JsonNode whole = getJson("/api/v1/findings");
    assertThat(whole.get("findings")).as("without a limit the API returns up to 1,000, as before it paged")
        .hasSizeGreaterThanOrEqualTo(seeded.size());
    assertThat(whole.get("nextCursor").isNull()).isTrue();
    assertThat(get("/findings").body().split("<tr").length - 2).as("the page for people shows 100").isEqualTo(100);

    // Back from the second page is the first page again.
    JsonNode one = getJson("/api/v1/findings?limit=20");
    JsonNode two = getJson("/api/v1/findings?limit=20&cursor=" + enc(one.get("nextCursor").asText()));
    JsonNode back = getJson("/api/v1/findings?limit=20&cursor=" + enc(two.get("prevCursor").asText()));
    assertThat(back.get("findings")).isEqualTo(one.get("findings"));
    assertThat(back.get("prevCursor").isNull()).isTrue();
    assertThat(back.get("nextCursor").asText()).isEqualTo(one.get("nextCursor").asText());

    // The page links to its neighbours and keeps its filters.
    String html = get("/findings?state=active&limit=20").body();
    assertThat(html).contains("rel=\"next\" href=\"/findings?state=active&amp;limit=20&amp;cursor=");
    String next = html.replaceAll("(?s).*rel=\"next\" href=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
    String second = get(next).body();
    assertThat(second).contains("rel=\"prev\"").contains("<table id=\"findings\"");
  }

  @Test
  void badCursorOrLimitIsAClear400() throws Exception {
    HttpResponse<String> bad = get("/api/v1/findings?cursor=not-a-cursor");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText()).contains("'cursor'").contains("first page");
    for (String limit : List.of("0", "1001", "ten")) {
      HttpResponse<String> r = get("/api/v1/findings?limit=" + limit);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(json.readTree(r.body()).get("error").asText()).contains("'limit'").contains("1 to 1000");
    }
    // A cursor of another list is not taken for one of this list.
    record(finding("x1", Severity.INFO, FindingState.ACTIVE, statement("pg1", 16384, "tenant_a", 1), NOW, OUTLIER),
        finding("x2", Severity.INFO, FindingState.ACTIVE, statement("pg1", 16384, "tenant_a", 2), NOW, OUTLIER));
    String findingsCursor = getJson("/api/v1/findings?limit=1").get("nextCursor").asText();
    assertThat(get("/api/v1/reviews?cursor=" + enc(findingsCursor)).statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/advice?cursor=" + enc(findingsCursor)).statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/baselines?cursor=" + enc(findingsCursor)).statusCode()).isEqualTo(400);
    HttpResponse<String> page = get("/findings?cursor=x");
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).contains("class=\"error\">'cursor' is not a cursor");
    assertThat(get("/api/v1/findings?severity=urgent").body()).contains("'severity' must be one of");
  }

  @Test
  void reviewsAndBaselinesPage() throws Exception {
    LocalDate day = LocalDate.of(2026, 11, 9);
    for (int i = 0; i < 5; i++) {
      for (String tenant : List.of("acme", "globex")) {
        LocalDate d = day.plusDays(i);
        Instant at = d.atTime(5, 30).toInstant(java.time.ZoneOffset.UTC);
        store.alerting().reviews().record(new StoredReview(StoredReview.idOf(tenant, d), tenant, d, at,
            at.plusSeconds(2), false, "{\"tenant\": \"" + tenant + "\", \"workday\": \"" + d + "\"}"), AlertWrites.NONE);
      }
    }
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = getJson("/api/v1/reviews?limit=3" + (cursor == null ? "" : "&cursor=" + enc(cursor)));
      page.get("reviews").forEach(r -> ids.add(r.get("tenant").asText() + "/" + r.get("workday").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    assertThat(ids).hasSize(10).doesNotHaveDuplicates();
    assertThat(ids.getFirst()).isEqualTo("acme/2026-11-13"); // newest first, then by tenant
    assertThat(ids.getLast()).isEqualTo("globex/2026-11-09");
    assertThat(get("/reviews?limit=3").body()).contains("rel=\"next\" href=\"/reviews?limit=3&amp;cursor=");
    String acme = get("/reviews?tenant=acme&limit=3").body();
    assertThat(acme).contains("name=\"tenant\" size=\"12\" value=\"acme\"").doesNotContain("globex/")
        .contains("rel=\"next\" href=\"/reviews?tenant=acme&amp;limit=3&amp;cursor=");
    String next = acme.replaceAll("(?s).*rel=\"next\" href=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
    assertThat(get(next).body()).contains("/reviews/acme/2026-11-10", "/reviews/acme/2026-11-09")
        .doesNotContain("/reviews/acme/2026-11-13").contains("rel=\"prev\"");

    poll("pg1", 16384, 1, NOW.minusSeconds(5400), 10, 5);
    for (String name : List.of("b1", "b2", "b3")) {
      store.pinBaseline(name, Optional.empty(), NOW.minusSeconds(7200), NOW.minusSeconds(3600));
    }
    JsonNode b = getJson("/api/v1/baselines?limit=2");
    assertThat(b.get("baselines")).hasSize(2);
    JsonNode rest = getJson("/api/v1/baselines?limit=2&cursor=" + enc(b.get("nextCursor").asText()));
    assertThat(rest.get("baselines")).hasSize(1);
    assertThat(rest.get("nextCursor").isNull()).isTrue();
    Set<String> names = new HashSet<>();
    b.get("baselines").forEach(x -> names.add(x.get("name").asText()));
    names.add(rest.get("baselines").get(0).get("name").asText());
    assertThat(names).containsExactlyInAnyOrder("b1", "b2", "b3");
  }

  @Test
  void adviceIsGroupedAcrossDatabasesAndEscaped() throws Exception {
    Evidence.Hypothetical proof = new Evidence.Hypothetical(1000, 100, 90);
    Evidence.Advice missing = new Evidence.Advice("missing_index", "reads all of " + EVIL_TABLE + ": build it: " + DDL,
        DDL, Map.of(), proof, List.of(), null, null);
    Evidence.Advice unproven = new Evidence.Advice("missing_index", "reads all of it: build it: " + DDL, DDL, Map.of(),
        new Evidence.Hypothetical(1000, 400, 60), List.of(), null, null);
    Evidence.Advice applied = missing.withApplied(new Evidence.Applied(NOW.minusSeconds(7200), NOW.minusSeconds(3600),
        Evidence.Applied.IMPROVED, new Evidence.Side(100, 10, 5, "pg_stat_kcache"),
        new Evidence.Side(100, 1, 0.5, "pg_stat_kcache"), 0.001));
    Evidence.Advice io = new Evidence.Advice("settings", "track_io_timing is off: turn it on", null, Map.of());
    record(finding("a1", Severity.INFO, FindingState.ACTIVE, statement("pg1", 16384, "tenant_a", 11), NOW, missing),
        finding("a2", Severity.INFO, FindingState.ACTIVE, statement("pg1", 16385, "tenant_b", 12), NOW, unproven),
        finding("a3", Severity.INFO, FindingState.APPLIED, statement("pg2", 16384, "tenant_c", 13), NOW, applied),
        finding("s1", Severity.INFO, FindingState.ACTIVE, new Subject.Target("pg1", List.of("a", "b")), NOW, io));

    JsonNode all = getJson("/api/v1/advice");
    assertThat(all.get("advice")).hasSize(2);
    JsonNode index = all.get("advice").get(0);
    assertThat(index.get("rule").asText()).isEqualTo("missing_index");
    assertThat(index.get("ddl").asText()).isEqualTo(DDL);
    assertThat(index.get("subject").asText()).isEqualTo(EVIL_TABLE + " (customer_id)");
    assertThat(index.get("databases").asInt()).isEqualTo(3);
    assertThat(index.get("targets").asInt()).isEqualTo(2);
    assertThat(index.get("active").asInt()).isEqualTo(2);
    assertThat(index.get("applied").asInt()).isEqualTo(1);
    assertThat(index.get("verdicts").get("improved").asInt()).isEqualTo(1);
    assertThat(index.get("hypothetical").get("tried").asInt()).isEqualTo(3);
    assertThat(index.get("hypothetical").get("minReductionPct").asDouble()).isEqualTo(60);
    assertThat(index.get("hypothetical").get("maxReductionPct").asDouble()).isEqualTo(90);
    assertThat(index.get("members").isNull()).isTrue(); // the databases only on demand
    assertThat(all.get("advice").get(1).get("rule").asText()).isEqualTo("settings");

    JsonNode group = getJson("/api/v1/advice?group=" + index.get("id").asText()).get("advice");
    assertThat(group).hasSize(1);
    List<String> dbs = new ArrayList<>();
    group.get(0).get("members").forEach(m -> dbs.add(m.get("target").asText() + "/" + m.get("database").asText()));
    assertThat(dbs).containsExactlyInAnyOrder("pg1/tenant_a", "pg1/tenant_b", "pg2/tenant_c");

    assertThat(getJson("/api/v1/advice?rule=settings").get("advice")).hasSize(1);
    assertThat(getJson("/api/v1/advice?tenant=c").get("advice").get(0).get("databases").asInt()).isEqualTo(1);
    assertThat(getJson("/api/v1/advice?state=applied").get("advice").get(0).get("applied").asInt()).isEqualTo(1);
    assertThat(getJson("/api/v1/advice?target=pg2").get("advice")).hasSize(1);
    assertThat(get("/api/v1/advice?state=gone").statusCode()).isEqualTo(400);
    JsonNode paged = getJson("/api/v1/advice?limit=1");
    JsonNode rest = getJson("/api/v1/advice?limit=1&cursor=" + enc(paged.get("nextCursor").asText()));
    assertThat(rest.get("advice").get(0).get("rule").asText()).isEqualTo("settings");

    String page = get("/advice").body();
    assertThat(page).doesNotContain("<script>alert(1)</script>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("<code class=\"ddl\">CREATE INDEX CONCURRENTLY ON public.\"&lt;script&gt;")
        .contains("href=\"/advice?group=" + index.get("id").asText() + "\">3</a>")
        .contains("1 improved").contains("cost −60.0% to −90.0%");
    String members = get("/advice?group=" + index.get("id").asText()).body();
    assertThat(members).contains("href=\"/queries/pg2/tenant_c/13\">tenant_c</a>");
    assertThat(get("/").body()).contains("<a href=\"/advice\">Advice</a>");
  }
}
