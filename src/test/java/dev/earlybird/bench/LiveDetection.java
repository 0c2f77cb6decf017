package dev.earlybird.bench;

import static org.awaitility.Awaitility.await;

import dev.earlybird.Agent;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live mode: a dedicated PostgreSQL 17, seven tenant databases with the same schema and skewed data, an
 * open-loop noisy workload, and the real agent in-process. After a warm-up longer than the baseline, one change
 * per tenant at one recorded instant; later a restart of the server. Findings are read from the agent's HTTP
 * API; the truth (each statement's per-call ratio) from pg_stat_statements directly.
 */
final class LiveDetection {
  static final String TARGET = "bench";
  static final Duration POLL = Duration.ofSeconds(2);
  static final Duration WINDOW = Duration.ofSeconds(20);
  static final Duration LOOKBACK = Duration.ofMinutes(2);
  static final int PERSISTENCE = 2;
  static final String REGRESSION_SETTINGS =
      "{window: 20s, minCalls: 20, minRatio: 1.5, persistence: 2, resolveAfter: 2, minExtraPerHour: 5s}";
  /** The seconds after a window boundary at which changes are made (aligned, so latencies read in windows). */
  static final Duration OFFSET = Duration.ofSeconds(2);
  /** The workload runs this long before the agent starts: the agent watches a server in its steady state. */
  static final Duration WORKLOAD_FIRST = Duration.ofSeconds(60);
  /**
   * The harness' default shared_buffers (16MB, so a dozen test servers fit on a CI machine) is smaller than
   * the seven tenants' working set; misses served from the OS cache would add noise no production server has.
   */
  static final Map<String, String> SERVER_SETTINGS = Map.of("max_connections", "60", "shared_buffers", "128MB");

  /** What happens to one tenant; {@code statement} is the one the change is aimed at (regressions only). */
  record Plan(String tenant, String change, boolean regression, String statement) {
    String database() {
      return "tenant_" + tenant;
    }
  }

  static final List<Plan> PLANS = List.of(
      new Plan("acme", "index dropped", true, "orders_by_customer"),
      new Plan("globex", "plan flip (index paths off for the role in the database)", true, "customer_totals"),
      new Plan("initech", "work_mem 8MB -> 64kB (sort spills to disk)", true, "note_ranking"),
      new Plan("umbrella", "temp table in a hot function", true, "order_summary"),
      new Plan("hooli", "volume surge x4, same per-call cost", false, null),
      new Plan("stark", "unrelated new statement", false, null),
      new Plan("wayne", "no change (control)", false, null));

  private final int pgMajor;
  private final Duration warmup;
  private final int observeWindows;
  private final int restartWindows;
  private final Path outDir;

  LiveDetection(int pgMajor, Duration warmup, int observeWindows, int restartWindows, Path outDir) {
    this.pgMajor = pgMajor;
    this.warmup = warmup;
    this.observeWindows = observeWindows;
    this.restartWindows = restartWindows;
    this.outDir = outDir;
  }

  /** The phases' instants and the snapshots of the truth taken at them. */
  static final class Timeline {
    Instant start, injected, restartedAt, end;
    Duration downtime;
    PgssTruth.Snapshot beforeFrom, beforeTo, afterFrom, afterTo;
    /** One snapshot per window boundary, for the noise table. */
    final List<PgssTruth.Snapshot> windows = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  }

  DetectionReport run(String stamp) throws Exception {
    Path store = outDir.resolve("detection-live-" + stamp + ".duckdb");
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-clock");
      t.setDaemon(true);
      return t;
    });
    DetectionBench.log("starting PostgreSQL %d", pgMajor);
    try (var server = new PollBench.Closing<>(PostgresServers.dedicated(pgMajor, SERVER_SETTINGS),
        PgServer::close)) {
      PgServer pg = server.get();
      for (int i = 0; i < PLANS.size(); i++) {
        LiveFleet.create(pg, PLANS.get(i).database(), 0.1 + i / 100.0);
      }
      DetectionBench.log("created %d tenant databases (%d customers, %d orders each)", PLANS.size(),
          LiveFleet.CUSTOMERS, LiveFleet.ORDERS);
      AgentConfig config = ConfigLoader.parse(config(pg.port(), store), "detection bench config", outDir,
          name -> null);
      Timeline tl = new Timeline();
      try (var workload = new LiveWorkload(pg, PLANS.stream().map(Plan::database).toList(), 3)) {
        workload.start();
        DetectionBench.log("workload started; the agent starts in %d s", WORKLOAD_FIRST.toSeconds());
        at(clock, Instant.now().plus(WORKLOAD_FIRST));
        try (Agent agent = Agent.start(config, InstantSource.system())) {
          return observe(pg, agent, workload, clock, tl);
        }
      }
    } finally {
      clock.shutdownNow();
      for (Path p : new Path[] {store, store.resolveSibling(store.getFileName() + ".wal")}) {
        Files.deleteIfExists(p);
      }
    }
  }

  private DetectionReport observe(
      PgServer pg, Agent agent, LiveWorkload workload, ScheduledExecutorService clock, Timeline tl) throws Exception {
    FindingsWatch watch = new FindingsWatch(agent.url());
    tl.start = Instant.now();
    Instant firstWindow = aligned(tl.start);
    clock.scheduleAtFixedRate(() -> sample(pg, tl), Duration.between(Instant.now(), firstWindow).toMillis(),
        WINDOW.toMillis(), TimeUnit.MILLISECONDS);
    await("the agent's first successful poll").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
        .until(() -> watch.lastSuccessfulPoll() != null);
    clock.scheduleAtFixedRate(watch::look, 0, 1, TimeUnit.SECONDS);

    tl.injected = aligned(tl.start.plus(warmup));
    at(clock, tl.injected.minus(WINDOW.multipliedBy(5)));
    tl.beforeFrom = PgssTruth.read(pg);
    at(clock, tl.injected);
    tl.beforeTo = PgssTruth.read(pg);
    tl.injected = Instant.now();
    for (Plan p : PLANS) {
      inject(pg, workload, p);
    }
    DetectionBench.log("injected the changes at %s", tl.injected);
    at(clock, tl.injected.plus(OFFSET.multipliedBy(3)));
    tl.afterFrom = PgssTruth.read(pg);

    Instant restart = aligned(tl.injected.plus(WINDOW.multipliedBy(observeWindows)));
    at(clock, restart);
    tl.afterTo = PgssTruth.read(pg);
    workload.outage(true);
    long t0 = System.nanoTime();
    tl.restartedAt = Instant.now();
    pg.stop();
    pg.start();
    tl.downtime = Duration.ofNanos(System.nanoTime() - t0);
    DetectionBench.log("restarted PostgreSQL (%d ms down)", tl.downtime.toMillis());
    at(clock, Instant.now().plus(Duration.ofSeconds(5)));
    workload.outage(false);

    tl.end = aligned(tl.restartedAt.plus(WINDOW.multipliedBy(restartWindows))).minus(OFFSET);
    at(clock, tl.end);
    long evaluated = watch.evaluations();
    // Earlier windows were evaluated a few seconds after they ended: the next evaluation is of the last window.
    await("the agent's evaluation of the last window").atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500)).until(() -> watch.evaluations() > evaluated);
    watch.look();
    if (workload.unexpectedErrors() > 0) {
      throw new IllegalStateException("the workload failed outside the restart (" + workload.unexpectedErrors()
          + " errors), first: " + workload.firstUnexpectedError());
    }
    var report = new LiveScoring(PLANS, tl, watch, WINDOW, watch.findings("regression"), watch.findings(null))
        .report(workload.outageErrors());
    settings(report, pg, tl);
    return report;
  }

  /** A snapshot at a window boundary; none while the server restarts. */
  private static void sample(PgServer pg, Timeline tl) {
    try {
      tl.windows.add(PgssTruth.read(pg));
    } catch (java.sql.SQLException | RuntimeException e) {
      // the restart: that window has no row in the noise table
    }
  }

  private static String config(int port, Path store) {
    return """
        listen: "127.0.0.1:0"
        store: "duckdb:%s"
        poll: { interval: %ds, textRefresh: 10s }
        targets:
          - name: %s
            url: "jdbc:postgresql://localhost:%d/postgres"
            user: postgres
            databases: { include: ["^tenant_"] }
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
        analysis:
          baseline: { mode: rolling, lookback: %ds }
          regression: %s
        """
        .formatted(store, POLL.toSeconds(), TARGET, port, LOOKBACK.toSeconds(), REGRESSION_SETTINGS);
  }

  private void settings(DetectionReport r, PgServer pg, Timeline tl) {
    r.setting("PostgreSQL", pg.binariesVersion() + " (dedicated; harness defaults, pg_stat_statements track=all, "
        + "track_io_timing=on, with " + SERVER_SETTINGS + "; per tenant database work_mem=" + LiveFleet.WORK_MEM
        + ", plan_cache_mode=force_custom_plan)");
    r.setting("tenants", PLANS.size() + " databases, " + LiveFleet.CUSTOMERS + " customers and " + LiveFleet.ORDERS
        + " orders each, customer ids ~ ceil(10000^U) (Zipf-like)");
    r.setting("workload", "open loop, fixed rates per tenant (calls/s): " + LiveWorkload.RATES
        + "; tier_overview only in stark after the change; random parameters; 3 threads; one connection per tenant,"
        + " renewed at the change; started " + WORKLOAD_FIRST.toSeconds() + " s before the agent");
    r.setting("agent", "in-process Agent.start, poll.interval " + POLL.toSeconds() + "s, baseline rolling "
        + LOOKBACK.toSeconds() + "s, regression " + REGRESSION_SETTINGS + ", maxPValue 0.01 (default)");
    r.setting("timeline", "warm-up " + warmup.toSeconds() + " s; changes at " + r.time(tl.injected) + "; observed "
        + observeWindows + " windows; restart at " + r.time(tl.restartedAt) + " (down " + tl.downtime.toMillis()
        + " ms); observed " + restartWindows + " windows more, until " + r.time(tl.end));
    r.setting("truth", "pg_stat_statements per (database, queryid): before = the " + seconds(tl.beforeFrom, tl.beforeTo)
        + " s before the changes, after = " + seconds(tl.afterFrom, tl.afterTo) + " s from "
        + OFFSET.multipliedBy(3).toSeconds() + " s after them until the restart");
  }

  private static long seconds(PgssTruth.Snapshot a, PgssTruth.Snapshot b) {
    return Duration.between(a.at(), b.at()).toSeconds();
  }

  private static void inject(PgServer pg, LiveWorkload workload, Plan p) {
    String db = p.database();
    switch (p.tenant()) {
      case "acme" -> pg.execute(db, "DROP INDEX orders_customer_created_idx");
      case "globex" -> pg.execute("postgres", "ALTER ROLE postgres IN DATABASE " + db + " SET enable_indexscan = off",
          "ALTER ROLE postgres IN DATABASE " + db + " SET enable_bitmapscan = off");
      case "initech" -> pg.execute("postgres", "ALTER DATABASE " + db + " SET work_mem = '" + LiveFleet.LOW_WORK_MEM + "'");
      case "umbrella" -> pg.execute(db, LiveFleet.SUMMARY_TEMP_TABLE);
      case "hooli" -> workload.tenant(db).volume(4.0);
      case "stark" -> workload.tenant(db).startExtraStatement();
      case "wayne" -> {}
      default -> throw new IllegalArgumentException(p.tenant());
    }
    workload.tenant(db).reconnect();
  }

  /** {@code t} moved to the next window boundary plus {@link #OFFSET}. */
  static Instant aligned(Instant t) {
    long w = WINDOW.toMillis();
    long next = Math.floorDiv(t.toEpochMilli() + w - 1, w) * w;
    return Instant.ofEpochMilli(next).plus(OFFSET);
  }

  /** Waits for a wall-clock phase of the workload, on the bench's scheduler. */
  static void at(ScheduledExecutorService clock, Instant t) throws Exception {
    long ms = Math.max(0, Duration.between(Instant.now(), t).toMillis());
    clock.schedule(() -> null, ms, TimeUnit.MILLISECONDS).get(ms + 60_000, TimeUnit.MILLISECONDS);
  }
}
