package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The agent as users run it, at fleet size: the real agent in a JVM of its own ({@code Main run --config FILE}),
 * measured from outside ({@link AgentJvm}, {@link ProcessWatch}, {@link AgentMeasure}) against real PostgreSQL
 * servers. Three scenarios, chosen with {@code bench.scenario} (all by default; settings in {@link FleetBenchConfig}):
 *
 * <ul>
 *   <li>{@code fleet700} ({@link Fleet700Scenario}): one server with 700 tenant databases under a light workload,
 *       one target over all of them;
 *   <li>{@code targets100} ({@link Targets100Scenario}): 100 targets of 20,000 statements each, on the DuckDB and on
 *       the PostgreSQL store, with the goals CPU under 10% of a core, heap under 512 MB, no skipped ticks;
 *   <li>{@code takeover} ({@link TakeoverScenario}): two replicas on a PostgreSQL store, one killed with kill -9: how
 *       soon its targets are polled again, and whether the history still holds every call exactly once.
 * </ul>
 *
 * <p>Not part of {@code verify}; run with {@code ./mvnw -B -Pbench verify -Dbench=FleetBench}. It measures and
 * reports PASS/MISS, it does not fail on a missed goal. Results: {@code target/bench/fleet-<scenario>.txt}.
 */
public class FleetBench {
  @Test
  void measure() throws Exception {
    run();
  }

  public static void main(String[] args) throws Exception {
    run();
  }

  static void run() throws Exception {
    FleetBenchConfig cfg = FleetBenchConfig.fromSystemProperties();
    for (String scenario : cfg.scenarios()) {
      switch (scenario) {
        case "fleet700" -> Fleet700Scenario.run(cfg);
        case "targets100" -> Targets100Scenario.run(cfg);
        case "takeover" -> TakeoverScenario.run(cfg);
        default -> throw new IllegalArgumentException("bench.scenario: no scenario " + scenario
            + " (fleet700, targets100, takeover)");
      }
    }
  }

  static void log(String format, Object... args) {
    System.out.printf("[fleet-bench] " + format + "%n", args);
  }

  /** A fresh working directory for one scenario under the bench directory (configs, logs, a DuckDB store). */
  static Path workDir(String scenario) throws Exception {
    Path dir = BenchOutput.directory().resolve("fleet-" + scenario + "-" + BenchOutput.stamp());
    Files.createDirectories(dir);
    return dir;
  }

  /** The agent's config: {@code targets} is the YAML list's body, {@code extra} more top-level keys. */
  static String config(int port, String store, Duration interval, Duration window, String extra, String targets) {
    return """
        listen: "127.0.0.1:%d"
        store: "%s"
        poll: { interval: %ds }
        analysis: { regression: { window: %ds } }
        %s
        targets:
        """.formatted(port, store, interval.toSeconds(), window.toSeconds(), extra) + targets;
  }

  /** One target's entry in the YAML list. */
  static String target(String name, PgServer server, String include) {
    return "  - name: " + name + "\n"
        + "    url: \"" + server.jdbcUrl("postgres") + "\"\n"
        + "    user: postgres\n"
        + (include == null ? "" : "    databases: { include: [\"" + include + "\"] }\n");
  }

  /** A database for a PostgreSQL store on {@code server}, and its URL. */
  static String postgresStore(PgServer server, String db) {
    server.createDatabase(db);
    return server.jdbcUrl(db) + "?user=postgres";
  }

  static long databaseBytes(PgServer server, String db) {
    try (Connection c = server.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_database_size('" + db + "')")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  static double minutes(Duration d) {
    return d.toMillis() / 60_000.0;
  }
}
