package dev.earlybird.bench;

import static dev.earlybird.bench.BenchOutput.line;
import static dev.earlybird.bench.FleetBench.log;

import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code fleet700}: one real PostgreSQL with {@code bench.databases} (700) tenant databases of one schema (small
 * tables), a light workload from a thread pool here ({@code bench.perMinute} statements per database a minute), and
 * the agent with one target over all of them (the default database filter) on the embedded DuckDB store, at the
 * default interval, measured for {@code bench.minutes} (10) after two polls of warm-up.
 */
final class Fleet700Scenario {
  private Fleet700Scenario() {}

  static void run(FleetBenchConfig cfg) throws Exception {
    Path dir = FleetBench.workDir("fleet700");
    Duration length = cfg.measured(10);
    int entries = cfg.databases() * (cfg.shapes() + 1);
    Map<String, String> settings = Map.of(
        "pg_stat_statements.max", Integer.toString(Math.max(5000, entries * 3 / 2 + 1000)),
        "max_connections", "100",
        // A throwaway server: durability only costs setup time on a shared machine.
        "fsync", "off",
        "full_page_writes", "off");
    var report = new FleetReport("fleet700", "one target over many tenant databases, DuckDB store");
    log("fleet700: PostgreSQL %d with %d databases", cfg.pgMajor(), cfg.databases());
    long t0 = System.nanoTime();
    PgServer pg = PostgresServers.dedicated(cfg.pgMajor(), settings);
    Path store = dir.resolve("store.duckdb");
    try (var load = new TenantWorkload(pg, cfg.databases(), cfg.perMinute(), cfg.shapes(), 4)) {
      new BenchFleet(pg, cfg.databases(), cfg.shapes()).create(1, m -> log("fleet700: %s", m));
      double setupS = (System.nanoTime() - t0) / 1e9;
      load.start();
      int port = AgentJvm.freePort();
      Path config = dir.resolve("earlybird.yml");
      Files.writeString(config, FleetBench.config(port, "duckdb:" + store, cfg.interval(), cfg.window(), "",
          FleetBench.target("fleet", pg, null)));
      AgentMeasure.Result r;
      try (AgentJvm agent = AgentJvm.start(config, port, dir, "agent", cfg.agentJvmArgs(), List.of(),
          Duration.ofMinutes(2))) {
        log("fleet700: agent pid %d ready; warm-up: two polls", agent.pid());
        AgentMeasure.awaitPolls(agent, 1, 2, cfg.interval().multipliedBy(3).plusMinutes(5), "fleet700 warm-up");
        r = AgentMeasure.measure(agent, 1, cfg.interval(), length, () -> AgentMeasure.fileBytes(store), "fleet700");
        String statements = agent.json("/api/v1/targets").get(0).path("statements").asText();
        StringBuilder b = report.text();
        line(b, "setup: PostgreSQL %d (%s), %d tenant databases cloned from one template (10 tables of 20 rows), "
            + "%d statement shapes + 1 update each; %.0f s", pg.major(), pg.binariesVersion(), cfg.databases(),
            cfg.shapes(), setupS);
        line(b, "workload: %d statements per database a minute (%d a minute in all) from 4 threads here; %d run "
            + "during the measurement window and warm-up, %d errors", cfg.perMinute(),
            cfg.perMinute() * cfg.databases(), load.statements(), load.errors());
        line(b, "agent: one target over all databases (default filter), poll.interval %ds, analysis window %ds "
            + "(the default 1h would not evaluate within the run), DuckDB store, JVM options: %s",
            cfg.interval().toSeconds(), cfg.window().toSeconds(),
            cfg.agentJvmArgs().isEmpty() ? "the JVM's defaults" : String.join(" ", cfg.agentJvmArgs()));
        line(b, "pg_stat_statements entries the agent tracks on the target: %s", statements);
        b.append('\n');
        r.lines(b);
      }
      report.write();
    } finally {
      pg.close();
      Files.deleteIfExists(store);
      Files.deleteIfExists(store.resolveSibling("store.duckdb.wal"));
    }
  }
}
