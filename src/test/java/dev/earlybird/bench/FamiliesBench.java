package dev.earlybird.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.FamilyDatabase;
import dev.earlybird.history.FamilyFilter;
import dev.earlybird.history.FamilyReads;
import dev.earlybird.history.FamilyRow;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.web.Api;
import dev.earlybird.web.BaselineApi;
import dev.earlybird.web.FamiliesApi;
import dev.earlybird.web.FindingsApi;
import dev.earlybird.web.Pages;
import dev.earlybird.web.QueriesApi;
import dev.earlybird.web.Readiness;
import dev.earlybird.web.Reloader;
import dev.earlybird.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import dev.earlybird.model.Period;
import org.junit.jupiter.api.Test;

/**
 * Server time of the families view, the hot list and the fleet page over a fleet's history: {@code bench.targets} (10) servers x
 * 70 tenant databases x {@code bench.queryIds} (100) statements, 30 days of hourly and daily rollups and the last
 * hour raw ({@link AnalysisFleet}, the analysis bench's fill), against the goal of 200 ms for the last 24 hours. Each
 * request runs {@code bench.runs} (10) times after two warm-ups, over HTTP on loopback; the median and the worst are
 * reported. It measures, it does not judge.
 *
 * <p>{@code ./mvnw -B -Pbench verify -Dbench=FamiliesBench}; the store is deleted afterwards unless {@code
 * bench.keepStore=true}; {@code bench.reuseStore=FILE} measures a kept one again.
 */
public class FamiliesBench {
  static final Instant WINDOW_END = Instant.parse("2026-11-18T15:00:00Z");

  @Test
  void measure() throws Exception {
    System.setProperty("bench.targets", System.getProperty("bench.targets", "10"));
    // 30 days of hourly rollups: the seasonal baseline's fourth week (29 days back) lies in the hourly tier, as in a
    // store kept with the default hourly retention (35 days).
    System.setProperty("bench.days", System.getProperty("bench.days", "30"));
    int targets = BenchConfig.intProp("bench.targets", 10, 1, 1000);
    int queryIds = BenchConfig.intProp("bench.queryIds", 100, 1, 10_000);
    System.setProperty("bench.series", Integer.toString(targets * 70 * queryIds));
    var cfg = AnalysisBenchConfig.fromSystemProperties();
    int runs = BenchConfig.intProp("bench.runs", 10, 1, 100);
    Path outDir = BenchOutput.directory();
    String reuse = System.getProperty("bench.reuseStore", "").strip();
    Path storeFile = reuse.isEmpty() ? outDir.resolve("families-bench-" + BenchOutput.stamp() + ".duckdb")
        : Path.of(reuse);
    var fleet = new AnalysisFleet(cfg, WINDOW_END);
    StringBuilder report = new StringBuilder();
    try {
      if (reuse.isEmpty()) {
        DuckDbHistoryStore.open(storeFile).close();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + storeFile)) {
          var filled = fleet.fill(c, FamiliesBench::log);
          BenchOutput.line(report, "store: %d targets x %d databases x %d statements; %,d hourly, %,d daily, %,d raw rows",
              cfg.targets(), cfg.databasesPerTarget(), cfg.queryIds(), filled.hourlyRows(), filled.dailyRows(),
              filled.intervalRows());
        }
      }
      TenantsConfig tenants = fleet.tenants();
      InstantSource clock = InstantSource.fixed(WINDOW_END);
      try (var store = DuckDbHistoryStore.open(storeFile, clock);
          var writer = new HistoryWriter(store, 8)) {
        // What the agent's hourly maintenance does at the window's end: here only the rolling day spans are built (the
        // fill wrote the rollups and watermarks itself; retention long enough to delete nothing of the fill).
        long spans = System.nanoTime();
        store.maintain(WINDOW_END, new dev.earlybird.history.Retention(Duration.ofDays(2), Duration.ofDays(400),
            Duration.ofDays(400)));
        BenchOutput.line(report, "maintenance at the window's end (builds the rolling day spans): %.0f ms",
            (System.nanoTime() - spans) / 1e6);
        FleetState fleetState = new FleetState(java.util.stream.IntStream.range(0, cfg.targets())
            .mapToObj(i -> "pg-%02d".formatted(i)).toList());
        Api api = new Api(fleetState, new HotList(store, tenants, BaselineConfig.defaults()), tenants, clock);
        BaselineApi baselines =
            new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), Optional.empty());
        FindingsApi findings = new FindingsApi(store);
        QueriesApi queries = new QueriesApi(store, tenants, clock);
        var handlers = new WebServer.Handlers(api, findings, queries, baselines,
            new Pages(fleetState, api, baselines, findings, queries), null, new FamiliesApi(store, tenants, clock));
        reads(report, store, tenants, runs);
        hotReads(report, store, tenants, runs);
        try (var web = new WebServer(() -> handlers, new AgentMetrics("bench"), new Readiness(store.health()),
            Reloader.NONE).start("127.0.0.1", 0)) {
          String base = "http://127.0.0.1:" + web.port();
          JsonNode first = new ObjectMapper().readTree(get(base + "/api/v1/families?limit=1").body());
          String family = first.get("families").get(0).get("family").asText();
          String tenant = first.get("families").get(0).get("worst").get(0).get("tenant").asText();
          String next = first.get("nextCursor").asText();
          JsonNode hot = new ObjectMapper().readTree(get(base + "/api/v1/hot-queries?limit=1").body())
              .get("queries").get(0);
          String statement = "/queries/" + hot.get("target").asText() + "/" + hot.get("database").asText() + "/"
              + hot.get("queryId").asText();
          for (String path : List.of("/api/v1/families", "/families", "/api/v1/families?limit=500",
              "/api/v1/families?cursor=" + next, "/api/v1/families?tenant=" + tenant,
              "/api/v1/families?target=pg-00", "/api/v1/families/" + family, "/families/" + family,
              "/api/v1/families?from=2026-10-21T15:00:00Z&to=2026-11-18T15:00:00Z", "/api/v1/hot-queries",
              "/api/v1/hot-queries?limit=1000", "/hot", "/api/v1/fleet", "/")) {
            measure(report, base, path, runs, 200);
          }
          // The statement page and its twin: the goal is 300 ms.
          for (String path : List.of("/api/v1" + statement, statement)) {
            measure(report, base, path, runs, 300);
          }
        }
      }
      System.out.print(report);
      Files.writeString(outDir.resolve("families-bench-" + BenchOutput.stamp() + ".txt"), report.toString());
    } finally {
      if (reuse.isEmpty() && !cfg.keepStore()) {
        for (Path p : new Path[] {storeFile, storeFile.resolveSibling(storeFile.getFileName() + ".wal")}) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void measure(StringBuilder report, String base, String path, int runs, double goalMs)
      throws Exception {
    for (int i = 0; i < 2; i++) {
      check(path, get(base + path));
    }
    double[] ms = new double[runs];
    int bytes = 0;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = get(base + path);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      check(path, r);
      bytes = r.body().length();
    }
    Arrays.sort(ms);
    String shown = path.length() > 70 ? path.substring(0, 67) + "..." : path;
    BenchOutput.line(report, "%-72s median %7.1f ms  worst %7.1f ms  %s  (%,d chars)", shown, ms[runs / 2],
        ms[runs - 1], ms[runs / 2] <= goalMs ? "ok" : "MISS", bytes);
    log("%s: median %.1f ms", shown, ms[runs / 2]);
  }

  /** The store reads behind the families view, one by one, over the last 24 hours. */
  private static void reads(StringBuilder report, JdbcHistoryStore store, TenantsConfig tenants, int runs) {
    FamilyReads reads = store.families();
    FamilyFilter f = new FamilyFilter(new Period(WINDOW_END.minus(Duration.ofHours(24)), WINDOW_END),
        Optional.empty(), Optional.empty(), tenants::tenantOf);
    FamilyReads.Page page = reads.page(f, Optional.empty(), 50);
    List<String> families = page.rows().stream().map(FamilyRow::family).toList();
    String family = families.getFirst();
    List<FamilyDatabase> dbs = reads.databases(f, family);
    Map<String, Supplier<?>> calls = new LinkedHashMap<>();
    calls.put("page(50)", () -> reads.page(f, Optional.empty(), 50));
    calls.put("fleetMeans(preceding day, page)", () -> reads.fleetMeans(
        f.over(new Period(f.window().from().minus(Duration.ofHours(24)), f.window().from())), families));
    calls.put("activeFindings(page)", () -> reads.activeFindings(families, Optional.empty(), Optional.empty()));
    calls.put("summary(family)", () -> reads.summary(f, family));
    calls.put("databases(family)", () -> reads.databases(f, family));
    calls.put("findings(family)", () -> reads.findings(family));
    calls.put("series(family, 5 worst)", () -> reads.series(f, family, dbs.subList(0, 5), Duration.ofHours(1)));
    time(report, calls, runs);
  }

  /** The reads behind the hot list over the last 24 hours, one by one, then the whole ranking. */
  private static void hotReads(StringBuilder report, JdbcHistoryStore store, TenantsConfig tenants, int runs) {
    Instant from = WINDOW_END.minus(Duration.ofHours(24));
    Period window = new Period(from, WINDOW_END);
    HotList hot = new HotList(store, tenants, BaselineConfig.defaults());
    Map<String, Supplier<?>> calls = new LinkedHashMap<>();
    calls.put("hotQueries(24 h, with PI)", () -> store.hotQueries(
        new HotQueryFilter(from, WINDOW_END, Optional.empty(), Optional.empty(), OptionalInt.empty())
            .withPerformanceInsights()));
    calls.put("hotRanking(24 h, with PI, top 100)", () -> store.hotRanking(
        new HotQueryFilter(from, WINDOW_END, Optional.empty(), Optional.empty(), OptionalInt.of(100))
            .withPerformanceInsights(), Optional.empty()));
    calls.put("piOnly(24 h)", () -> store.piOnly(window, Optional.empty()));
    calls.put("openFindings()", store::openFindings);
    calls.put("firstPolls()", store::firstPolls);
    calls.put("HotList.rank(limit 100)", () -> hot.rank(new HotList.Request(from, WINDOW_END, null, null, null, 100)));
    calls.put("HotList.rank(limit 1000)", () -> hot.rank(new HotList.Request(from, WINDOW_END, null, null, null, 1000)));
    time(report, calls, runs);
    // Where HotList.rank's time goes, by store call (means over the runs, after one warm-up).
    TimedStore timed = new TimedStore(store);
    HotList timedHot = new HotList(timed, tenants, BaselineConfig.defaults());
    for (int limit : new int[] {100, 1000}) {
      timedHot.rank(new HotList.Request(from, WINDOW_END, null, null, null, limit));
      timed.reset();
      for (int r = 0; r < runs; r++) {
        timedHot.rank(new HotList.Request(from, WINDOW_END, null, null, null, limit));
      }
      StringBuilder line = new StringBuilder();
      timed.tallies().forEach((name, t) -> line.append("  %s %.1f ms".formatted(name, t.ms / t.calls)));
      BenchOutput.line(report, "  HotList.rank(limit %d) by store call:%s", limit, line);
    }
  }

  private static void time(StringBuilder report, Map<String, Supplier<?>> calls, int runs) {
    calls.forEach((name, call) -> {
      call.get();
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        call.get();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      BenchOutput.line(report, "  store read %-60s median %7.1f ms  worst %7.1f ms", name, ms[runs / 2], ms[runs - 1]);
    });
  }

  private static void check(String path, HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void log(String format, Object... args) {
    System.out.printf("[families-bench] " + format + "%n", args);
  }

  static void log(String message) {
    System.out.println("[families-bench] " + message);
  }
}
