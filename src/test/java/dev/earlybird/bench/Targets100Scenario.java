package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.line;
import static dev.earlybird.bench.FleetBench.log;

import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@code targets100}: {@code bench.targets} (100) targets of {@code bench.statements} (20,000) pg_stat_statements
 * entries each. There are {@code bench.servers} (4) real servers, each filled to that many entries (100 databases of
 * 200 statements, {@code pg_stat_statements.max} raised to fit), and a quarter of the targets point at each, so every
 * target reads its server's whole pg_stat_statements: each server is read 25 times per interval, a heavier load on
 * the servers than 100 distinct servers would see. Light churn: {@code bench.churnPercent} (1%) of each server's
 * entries run each minute. Run on the DuckDB store and on a PostgreSQL store on a server of its own ({@code
 * bench.store}); goals: agent CPU under 10% of one core, heap in use under 512 MB, no skipped ticks.
 */
final class Targets100Scenario {
  static final double CPU_GOAL_PERCENT = 10;
  static final long HEAP_GOAL_BYTES = 512L << 20;

  private Targets100Scenario() {}

  static void run(FleetBenchConfig cfg) throws Exception {
    Path dir = FleetBench.workDir("targets100");
    Duration length = cfg.measured(4);
    int dbsPerServer = Math.max(1, cfg.statements() / 200);
    int perDb = cfg.statements() / dbsPerServer;
    int perServerTargets = (cfg.targets() + cfg.servers() - 1) / cfg.servers();
    Map<String, String> settings = Map.of(
        "pg_stat_statements.max", Integer.toString(cfg.statements() * 5 / 4 + 1000),
        "max_connections", Integer.toString(Math.max(100, perServerTargets * 3 + 30)),
        "fsync", "off",
        "full_page_writes", "off");
    var report = new FleetReport("targets100", "many targets of many statements, DuckDB and PostgreSQL stores");
    List<PgServer> servers = new ArrayList<>();
    List<BenchFleet> fleets = new ArrayList<>();
    PgServer storeServer = null;
    ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("churn").unstarted(r));
    try {
      long t0 = System.nanoTime();
      for (int s = 0; s < cfg.servers(); s++) {
        servers.add(PostgresServers.dedicated(cfg.pgMajor(), settings));
        fleets.add(new BenchFleet(servers.get(s), dbsPerServer, perDb));
      }
      fill(fleets);
      double setupS = (System.nanoTime() - t0) / 1e9;
      int churnCount = (int) Math.round(cfg.statements() * cfg.churnPercent() / 100);
      AtomicInteger round = new AtomicInteger();
      churn.scheduleAtFixedRate(() -> {
        int r = round.getAndIncrement();
        for (BenchFleet f : fleets) {
          try {
            f.churn(r, churnCount);
          } catch (Exception e) {
            log("targets100: churn failed: %s", e);
          }
        }
      }, 0, 60, TimeUnit.SECONDS);
      StringBuilder targets = new StringBuilder();
      for (int t = 0; t < cfg.targets(); t++) {
        int s = t % cfg.servers();
        targets.append(FleetBench.target("s%d-t%03d".formatted(s, t), servers.get(s), null));
      }
      StringBuilder b = report.text();
      line(b, "setup: %d PostgreSQL %d servers (%s), each %d databases x %d statements = %d pg_stat_statements "
          + "entries (pg_stat_statements.max %s); %.0f s", cfg.servers(), cfg.pgMajor(),
          servers.get(0).binariesVersion(), dbsPerServer, perDb, dbsPerServer * perDb,
          settings.get("pg_stat_statements.max"), setupS);
      line(b, "targets: %d, %d per server; each reads its server's whole pg_stat_statements (a heavier load on the "
          + "servers than %d distinct servers would see: each server is read %d times an interval)", cfg.targets(),
          perServerTargets, cfg.targets(), perServerTargets);
      line(b, "churn: %d statements per server each minute (%.1f%% of its entries), from a thread here", churnCount,
          cfg.churnPercent());
      line(b, "agent: poll.interval %ds, analysis window %ds (default 1h), JVM options: %s; heap goal judged on the "
          + "largest heap after a GC (what stays in use; before a GC it also holds garbage not yet collected, which "
          + "grows with the heap the JVM chose)", cfg.interval().toSeconds(), cfg.window().toSeconds(),
          cfg.agentJvmArgs().isEmpty() ? "the JVM's defaults" : String.join(" ", cfg.agentJvmArgs()));
      for (String store : cfg.stores()) {
        String locator;
        LongSupplier outside;
        if (store.equals("duckdb")) {
          Path file = dir.resolve("store.duckdb");
          locator = "duckdb:" + file;
          outside = () -> AgentMeasure.fileBytes(file);
        } else if (store.equals("postgres")) {
          if (storeServer == null) {
            storeServer = PostgresServers.dedicated(17, Map.of());
          }
          PgServer ss = storeServer;
          locator = FleetBench.postgresStore(ss, "earlybird_store");
          outside = () -> FleetBench.databaseBytes(ss, "earlybird_store");
        } else {
          throw new IllegalArgumentException("bench.store: " + store + " (duckdb, postgres or both)");
        }
        b.append('\n');
        line(b, "store %s: %s", store, store.equals("duckdb") ? "DuckDB file" : "PostgreSQL 17 on a server of its own");
        measureOn(cfg, dir, store, locator, outside, targets.toString(), length, report);
        Files.deleteIfExists(dir.resolve("store.duckdb"));
        Files.deleteIfExists(dir.resolve("store.duckdb.wal"));
      }
      report.write();
    } finally {
      churn.shutdownNow();
      churn.awaitTermination(30, TimeUnit.SECONDS);
      for (PgServer s : servers) {
        s.close();
      }
      if (storeServer != null) {
        storeServer.close();
      }
    }
  }

  /** Fills the servers side by side (one thread each). */
  private static void fill(List<BenchFleet> fleets) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(fleets.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < fleets.size(); i++) {
        int s = i;
        done.add(pool.submit(() -> {
          fleets.get(s).create(1, m -> log("targets100: server %d: %s", s, m));
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void measureOn(FleetBenchConfig cfg, Path dir, String store, String locator, LongSupplier outside,
      String targets, Duration length, FleetReport report) throws Exception {
    int port = AgentJvm.freePort();
    Path config = dir.resolve("earlybird-" + store + ".yml");
    Files.writeString(config, FleetBench.config(port, locator, cfg.interval(), cfg.window(), "", targets));
    StringBuilder b = report.text();
    try (AgentJvm agent = AgentJvm.start(config, port, dir, "agent-" + store, cfg.agentJvmArgs(), List.of(),
        Duration.ofMinutes(3))) {
      log("targets100 (%s): agent pid %d ready; warm-up: two polls of every target", store, agent.pid());
      long w0 = System.nanoTime();
      AgentMeasure.awaitPolls(agent, cfg.targets(), 2, Duration.ofMinutes(30), "targets100 warm-up on " + store);
      line(b, "  warm-up (first polls read and store every entry and text, then one steady poll): %.0f s",
          (System.nanoTime() - w0) / 1e9);
      AgentMeasure.Result r = AgentMeasure.measure(agent, cfg.targets(), cfg.interval(), length, outside,
          "targets100 " + store);
      r.lines(b);
      ProcessWatch.Usage u = r.usage();
      report.goal("agent CPU < 10% of one core", "%.2f%%".formatted(u.cpuPercent()), u.cpuPercent() < CPU_GOAL_PERCENT);
      // Without a collection while measured, the largest jcmd sample (garbage included) stands in.
      long heap = u.gcs() > 0 ? u.gcHeapAfterMaxBytes() : (long) (u.heapUsedMb().max() * 1048576);
      report.goal("heap in use < 512 MB (max after a GC)", AgentMeasure.mb(heap), heap < HEAP_GOAL_BYTES);
      report.goal("no poll overruns (skipped ticks while measured)", Long.toString(r.skipped()), r.skipped() == 0);
      line(b, "  (skipped ticks since the agent started, warm-up included: %d)", r.skippedSinceStart());
    }
  }
}
