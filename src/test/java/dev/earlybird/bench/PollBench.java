package dev.earlybird.bench;

import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.source.DiffResult;
import dev.earlybird.source.StatementDiff;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.source.postgres.SnapshotRead;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.TcpRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Steady-state cost of one Earlybird poll against the floor of reading the same counters by hand, on a
 * PostgreSQL server with ~100 databases and ~10,000 pg_stat_statements entries, and against the same poll reading
 * every entry whole as it did before it probed for changes (issue goals: poll time at most 2x the raw read and no
 * more than the full-read poll's; poll bytes at most 0.3x the raw read's, since a steady poll reads whole counters
 * of the changed entries only).
 *
 * <p>Not part of {@code verify}: the name matches neither surefire's nor failsafe's default patterns; the
 * {@code bench} profile runs it ({@code ./mvnw -B -Pbench verify}, see README). It can also be run as a
 * main class from the IDE (binaries from {@code target/pg-binaries}). It measures, it does not judge: a missed
 * goal prints MISS and the build still passes. Settings (system properties): {@code bench.pg} (17), {@code
 * bench.databases} (100), {@code bench.statements} per database (100), {@code bench.executions} per statement
 * at setup (2), {@code bench.warmup} (5), {@code bench.rounds} (30), {@code bench.churnPercent} (1), {@code
 * bench.maxMinutes} for the measured rounds (15), {@code bench.outputDir} (target/bench).
 */
public class PollBench {
  static final String TARGET = "bench";
  static final double TIME_GOAL = 2.0;
  /** The probed poll against the full-read poll, medians. */
  static final double FULL_TIME_GOAL = 1.0;
  static final double BYTES_GOAL = 0.3;

  @Test
  void measure() throws Exception {
    run();
  }

  public static void main(String[] args) throws Exception {
    run();
  }

  static void run() throws Exception {
    var cfg = BenchConfig.fromSystemProperties();
    Path outDir = BenchOutput.directory();
    String stamp = BenchOutput.stamp();
    Path storeFile = outDir.resolve("poll-bench-" + stamp + ".duckdb");
    Path fullStoreFile = outDir.resolve("poll-bench-" + stamp + "-full.duckdb");
    long setupStarted = System.nanoTime();
    log("starting PostgreSQL %d (pg_stat_statements.max=%d)", cfg.pgMajor(), cfg.pgssMax());
    try (var server = new Closing<>(PostgresServers.dedicated(cfg.pgMajor(), serverSettings(cfg)), PgServer::close)) {
      var fleet = new BenchFleet(server.get(), cfg.databases(), cfg.statementsPerDb());
      fleet.create(cfg.executions(), PollBench::log);
      double setupS = (System.nanoTime() - setupStarted) / 1e9;
      log("setup done in %.1f s", setupS);
      int port = server.get().port();
      try (var rawRelay = new TcpRelay(port);
          var pollRelay = new TcpRelay(port);
          var fullRelay = new TcpRelay(port);
          var raw = new RawCounterRead(endpoint(rawRelay));
          var source = new PgStatStatementsSource(endpoint(pollRelay));
          var fullSource = PgStatStatementsSource.fullReadsOnly(endpoint(fullRelay));
          var store = DuckDbHistoryStore.open(storeFile);
          var writer = new HistoryWriter(store, 16);
          var fullStore = DuckDbHistoryStore.open(fullStoreFile);
          var fullWriter = new HistoryWriter(fullStore, 16)) {
        ServerInfo info = source.serverInfo();
        int dbs = source.databases(name -> true).size();
        fullSource.databases(name -> true);
        var poller = new SteadyPoll(source, writer, store);
        var fullPoller = new SteadyPoll(fullSource, fullWriter, fullStore);
        var m = new Measurements(cfg.rounds());
        int churn = Math.max(1, (int) Math.round(cfg.databases() * cfg.statementsPerDb() * cfg.churnPercent() / 100.0));
        log("warm-up: %d rounds (first poll stores the whole snapshot)", cfg.warmup());
        for (int r = 0; r < cfg.warmup(); r++) {
          fleet.churn(-1 - r, churn);
          raw.read();
          poller.poll();
          fullPoller.poll();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(cfg.maxMinutes());
        int rows = 0;
        for (int r = 0; r < cfg.rounds() && System.nanoTime() < deadline; r++) {
          fleet.churn(r, churn);
          // Rotate the order, so no side always runs right after the churn (cold caches).
          for (int i = 0; i < 3; i++) {
            int side = (r + i) % 3;
            if (side == 0) {
              long bytes0 = rawRelay.total();
              long t0 = System.nanoTime();
              rows = raw.read();
              m.rawMs.add((System.nanoTime() - t0) / 1e6);
              m.rawBytes.add(rawRelay.total() - bytes0);
            } else if (side == 1) {
              long bytes0 = pollRelay.total();
              SteadyPoll.Timing t = poller.poll();
              m.pollBytes.add(pollRelay.total() - bytes0);
              m.add(t);
            } else {
              long bytes0 = fullRelay.total();
              SteadyPoll.Timing t = fullPoller.poll();
              m.fullPollBytes.add(fullRelay.total() - bytes0);
              m.addFull(t);
            }
          }
          if ((r + 1) % 10 == 0) {
            log("round %d/%d: raw %.1f ms, poll %.1f ms, full-read poll %.1f ms", r + 1, cfg.rounds(), m.rawMs.median(),
                m.pollMs.median(), m.fullPollMs.median());
          }
        }
        if (raw.columns() != RawCounterRead.COLUMNS) {
          throw new IllegalStateException("raw read returned " + raw.columns() + " columns, the source reads " + RawCounterRead.COLUMNS);
        }
        long textReads = textReads(server.get());
        ServerExec exec = serverExec(server.get(), raw.sql());
        Overheads overheads = Overheads.measure(poller.previous(), poller.beforePrevious());
        var report =
            new BenchReport(
                Instant.now(), cfg, info.version(), raw.extVersion(), dbs, rows, poller.lastEntries(),
                churn, setupS, m, textReads, exec, overheads, store.stats().fileSizeBytes());
        String text = report.text();
        System.out.println(text);
        Files.writeString(outDir.resolve("poll-bench-" + stamp + ".txt"), text);
        Files.writeString(outDir.resolve("poll-bench-" + stamp + ".json"), report.json());
        log("wrote %s", outDir.resolve("poll-bench-" + stamp + ".txt"));
      }
    } finally {
      for (Path p : new Path[] {storeFile, storeFile.resolveSibling(storeFile.getFileName() + ".wal"), fullStoreFile,
          fullStoreFile.resolveSibling(fullStoreFile.getFileName() + ".wal")}) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Map<String, String> serverSettings(BenchConfig cfg) {
    return Map.of(
        "pg_stat_statements.max", Integer.toString(cfg.pgssMax()),
        // A throwaway server: durability only costs setup time on a shared machine.
        "fsync", "off",
        "full_page_writes", "off");
  }

  /** Through the relay, as the agent would connect (password-less superuser: the harness' trust auth). */
  private static PgEndpoint endpoint(TcpRelay relay) {
    return PgEndpoint.of(TARGET, "jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres", "postgres", null);
  }

  /** Calls of statements that read query texts (pg_stat_statements(true)) made by the agent's connection. */
  private static long textReads(PgServer server) throws Exception {
    try (Connection c = server.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT coalesce(sum(calls), 0) FROM pg_stat_statements(true)
                 WHERE query LIKE '/* earlybird */%' AND query LIKE '%pg_stat_statements(true)%'""")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Server-side mean execution time of the raw read and of the source's two statements, from
   * pg_stat_statements itself: what is left of the wall time is transfer and client-side decoding.
   */
  record ServerExec(double rawMs, double countersMs, double headerMs, double probeMs, double explainMs) {}

  private static ServerExec serverExec(PgServer server, String rawSql) throws Exception {
    try (Connection c = server.superuser("postgres");
        Statement s = c.createStatement()) {
      // EXPLAIN ANALYZE runs the function and the projection but sends no rows (and skips output functions):
      // the server's compute alone.
      var explain = new Samples("explain", 5);
      for (int i = 0; i < 5; i++) {
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + rawSql)) {
          rs.next();
          var m = java.util.regex.Pattern.compile("\"Execution Time\": ([0-9.]+)").matcher(rs.getString(1));
          explain.add(m.find() ? Double.parseDouble(m.group(1)) : Double.NaN);
        }
      }
      try (ResultSet rs =
            s.executeQuery(
                """
                SELECT max(mean_exec_time) FILTER (WHERE query LIKE '/* earlybird-bench raw */%'),
                       max(mean_exec_time) FILTER (WHERE query LIKE '/* earlybird */ SELECT dbid%'
                                                     AND query NOT LIKE '%array_agg%'),
                       max(mean_exec_time) FILTER (WHERE query LIKE '/* earlybird */ SELECT clock_timestamp()%'),
                       max(mean_exec_time) FILTER (WHERE query LIKE '/* earlybird */ SELECT dbid%array_agg%')
                  FROM pg_stat_statements(true)""")) {
        rs.next();
        return new ServerExec(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), explain.median());
      }
    }
  }

  static void log(String format, Object... args) {
    System.out.printf("[poll-bench] " + format + "%n", args);
  }

  static void log(String message) {
    System.out.println("[poll-bench] " + message);
  }

  /**
   * The agent's steady-state poll, as {@code TargetPoller.read} does it: snapshot, diff against the previous
   * snapshot, and the poll record written through the single {@link HistoryWriter} thread, waiting for it.
   * Texts are not fetched (in steady state no key is new). TargetPoller also calls {@code store.stats()} after
   * each write (for a metric); timed separately.
   */
  static final class SteadyPoll {
    record Timing(double snapshotMs, double diffMs, double storeMs, double statsMs, int intervals, int newKeys,
        SnapshotRead read) {
      double pollMs() {
        return snapshotMs + diffMs + storeMs;
      }
    }

    private final PgStatStatementsSource source;
    private final HistoryWriter writer;
    private final JdbcHistoryStore store;
    private Snapshot previous;
    private Snapshot beforePrevious;

    SteadyPoll(PgStatStatementsSource source, HistoryWriter writer, JdbcHistoryStore store) {
      this.source = source;
      this.writer = writer;
      this.store = store;
    }

    Timing poll() throws Exception {
      long t0 = System.nanoTime();
      Snapshot next = source.snapshot();
      long t1 = System.nanoTime();
      DiffResult diff = StatementDiff.between(previous, next);
      long t2 = System.nanoTime();
      var record = PollRecord.success(next, diff.intervals(), true);
      writer.submit(s -> s.recordPoll(record)).get(60, TimeUnit.SECONDS);
      long t3 = System.nanoTime();
      store.stats();
      double statsMs = (System.nanoTime() - t3) / 1e6;
      beforePrevious = previous;
      previous = next;
      return new Timing(
          (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, statsMs, diff.intervals().size(), diff.newKeys().size(),
          source.lastRead());
    }

    Snapshot previous() {
      return previous;
    }

    Snapshot beforePrevious() {
      return beforePrevious;
    }

    int lastEntries() {
      return previous == null ? 0 : previous.entries().size();
    }
  }

  /** Closes a resource that is not AutoCloseable-shaped the way try-with-resources wants. */
  record Closing<T>(T get, java.util.function.Consumer<T> closer) implements AutoCloseable {
    @Override
    public void close() {
      closer.accept(get);
    }
  }
}
