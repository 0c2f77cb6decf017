package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.PollRecord;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.source.DiffResult;
import dev.earlybird.source.StatementDiff;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.source.postgres.TargetCheck;
import dev.earlybird.testing.SystemPgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pg_stat_kcache end to end, on Debian's PostgreSQL 15 with Debian's pg_stat_kcache package (the Maven Central
 * binaries have no such extension): the source reads measured CPU per statement, the diff turns it into intervals,
 * the store keeps it and the hot list ranks by it, labelled {@code pg_stat_kcache}. CI installs the packages
 * ({@code .ci/apt-packages}); without them this test fails, it does not skip.
 */
class KcacheIT {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Path KCACHE_LIBRARY = Path.of("/usr/lib/postgresql/15/lib/pg_stat_kcache.so");
  private static final String TARGET = "kcache";
  /** Where the workload runs; pg_stat_statements only, so it also shows a database without pg_stat_kcache. */
  private static final String SHOP = "kcache_shop";
  /** Half a second of pure CPU on an idle machine (md5 of 300,000 numbers), no IO. */
  private static final String COMPUTES =
      "SELECT count(*) FROM generate_series(1, 300000) g WHERE md5(g::text) LIKE 'a%'";
  /**
   * Twice as long as the computation just took (however busy the machine), at least a second, and next to no CPU:
   * only the measured CPU can rank it below the computation.
   */
  private static final String SLEEPS = "SELECT pg_sleep(?)";

  private static SystemPgServer server;

  @BeforeAll
  static void start() {
    assertThat(KCACHE_LIBRARY)
        .as("pg_stat_kcache for PostgreSQL 15: apt-get install postgresql-15-pg-stat-kcache (.ci/apt-packages lists it)")
        .exists();
    server = SystemPgServer.start(BIN, Map.of("shared_preload_libraries", "pg_stat_statements,pg_stat_kcache"));
    server.execute("postgres", "CREATE EXTENSION pg_stat_statements", "CREATE EXTENSION pg_stat_kcache");
    server.execute("postgres", "CREATE DATABASE " + SHOP);
    server.execute(SHOP, "CREATE EXTENSION pg_stat_statements");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void measuredCpuRanksAComputationAboveALongerSleep(@TempDir Path dir) throws Exception {
    runWorkload();
    try (var source = new PgStatStatementsSource(endpoint("postgres", "postgres"));
        var store = DuckDbHistoryStore.open(dir.resolve("history.duckdb"))) {
      assertThat(source.joinsKcache()).as("not known before connecting").isFalse();
      assertThat(source.serverInfo().kcache().version()).startsWith("2.");
      assertThat(source.joinsKcache()).isTrue();
      var databases = source.databases(name -> true);
      Snapshot first = source.snapshot();
      StatementKey computes = key(first, "SELECT count(*) FROM generate_series(%");
      StatementKey sleeps = key(first, "SELECT pg_sleep(%");
      assertThat(first.entries().get(computes).cpuMs()).as("cumulative CPU read with the counters").isPresent();

      runWorkload();
      Snapshot second = source.snapshot();
      DiffResult diff = StatementDiff.between(first, second);

      StatementInterval cpu = interval(diff, computes);
      assertThat(cpu.calls()).isEqualTo(1);
      assertThat(cpu.cpuMs()).isPresent();
      // Not more than its execution time (one backend, kcache times a little more than pg_stat_statements), and a
      // good part of it: only a good part, since on a busy 2-core machine the backend also waits for a core.
      assertThat(cpu.cpuMs().getAsDouble())
          .as("CPU of a CPU-bound statement that executed for %.0f ms", cpu.execMs())
          .isPositive()
          .isBetween(0.1 * cpu.execMs(), 1.02 * cpu.execMs() + 1);
      StatementInterval sleep = interval(diff, sleeps);
      assertThat(sleep.execMs()).isGreaterThan(900);
      assertThat(sleep.cpuMs()).isPresent();
      assertThat(sleep.cpuMs().getAsDouble()).as("a sleeper's CPU").isLessThan(50).isLessThan(0.05 * sleep.execMs());

      store.upsertDatabases(TARGET, databases);
      store.recordPoll(PollRecord.success(second, diff.intervals()));
      List<HotQuery> hot =
          new HotList(store, TenantsConfig.DEFAULT, dev.earlybird.config.BaselineConfig.defaults())
              .rank(new HotList.Request(first.takenAt(), second.takenAt(), TARGET, SHOP, null, 50));
      HotQuery computesRow = row(hot, computes.queryId());
      HotQuery sleepsRow = row(hot, sleeps.queryId());
      assertThat(List.of(computesRow, sleepsRow)).allSatisfy(q -> assertThat(q.cpuSource()).isEqualTo(CpuSource.PG_STAT_KCACHE));
      assertThat(sleepsRow.totalExecMs()).as("by execution time the sleep would rank first").isGreaterThan(computesRow.totalExecMs());
      assertThat(hot.indexOf(computesRow)).as("by measured CPU the computation ranks first").isLessThan(hot.indexOf(sleepsRow));
      assertThat(computesRow.cpuMs()).isEqualTo(cpu.cpuMs().getAsDouble());
    }
  }

  @Test
  void checkSaysWhetherCpuIsMeasuredAndWhereTheExtensionIsMissing() throws Exception {
    assertThat(kcacheLine(TargetCheck.run(endpoint("postgres", "postgres")))).satisfies(line -> {
      assertThat(line.status()).isEqualTo(CheckResult.Status.PASS);
      assertThat(line.detail()).contains("cpuSource pg_stat_kcache");
    });
    assertThat(kcacheLine(TargetCheck.run(endpoint(SHOP, "postgres")))).satisfies(line -> {
      assertThat(line.status()).isEqualTo(CheckResult.Status.WARN);
      assertThat(line.detail()).contains("not created");
      assertThat(line.fix()).contains(SHOP).contains("CREATE EXTENSION pg_stat_kcache");
    });
    // Connected to a database without the extension, the source reads no CPU: unknown, never 0.
    try (var source = new PgStatStatementsSource(endpoint(SHOP, "postgres"))) {
      assertThat(source.serverInfo().kcache().loaded()).isTrue();
      assertThat(source.joinsKcache()).isFalse();
      assertThat(source.snapshot().entries().values()).isNotEmpty().allSatisfy(c -> assertThat(c.cpuMs()).isEmpty());
    }
  }

  @Test
  void withoutTheRightToCallPgStatKcacheTheStatisticsStillCome() throws Exception {
    server.execute(
        "postgres",
        "DROP ROLE IF EXISTS kcache_reader",
        "CREATE ROLE kcache_reader LOGIN IN ROLE pg_read_all_stats",
        "REVOKE EXECUTE ON FUNCTION pg_stat_kcache() FROM PUBLIC");
    try {
      runWorkload();
      try (var source = new PgStatStatementsSource(endpoint("postgres", "kcache_reader"))) {
        source.serverInfo();
        assertThat(source.joinsKcache()).as("the facts say it is usable").isTrue();
        Snapshot snapshot = source.snapshot();
        assertThat(snapshot.entries().get(key(snapshot, "SELECT pg_sleep(%"))).isNotNull();
        assertThat(snapshot.entries().values()).allSatisfy(c -> assertThat(c.cpuMs()).isEmpty());
        assertThat(source.joinsKcache()).as("given up after the failed join").isFalse();
      }
      assertThat(kcacheLine(TargetCheck.run(endpoint("postgres", "kcache_reader")))).satisfies(line -> {
        assertThat(line.status()).isEqualTo(CheckResult.Status.WARN);
        assertThat(line.detail()).contains("permission denied");
        assertThat(line.fix()).contains("GRANT EXECUTE ON FUNCTION");
      });
    } finally {
      server.execute("postgres", "GRANT EXECUTE ON FUNCTION pg_stat_kcache() TO PUBLIC");
    }
  }

  private static void runWorkload() throws SQLException {
    try (Connection c = server.superuser(SHOP);
        var s = c.createStatement();
        var sleep = c.prepareStatement(SLEEPS)) {
      long t0 = System.nanoTime();
      s.execute(COMPUTES);
      double computedS = (System.nanoTime() - t0) / 1e9;
      sleep.setDouble(1, Math.max(1.0, 2 * computedS));
      sleep.execute();
    }
  }

  private static PgEndpoint endpoint(String database, String user) {
    return PgEndpoint.of(TARGET, server.jdbcUrl(database), user, null);
  }

  /** The top-level entry of the workload database whose text matches {@code pattern} (LIKE). */
  private static StatementKey key(Snapshot snapshot, String pattern) throws SQLException {
    long dbId;
    long queryId;
    try (Connection c = server.superuser("postgres");
        var ps =
            c.prepareStatement(
                """
                SELECT s.dbid::int8, s.queryid FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                 WHERE d.datname = ? AND s.query LIKE ? AND s.toplevel""")) {
      ps.setString(1, SHOP);
      ps.setString(2, pattern);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).as("an entry like " + pattern).isTrue();
        dbId = rs.getLong(1);
        queryId = rs.getLong(2);
      }
    }
    return snapshot.entries().keySet().stream()
        .filter(k -> k.dbId() == dbId && k.queryId() == queryId && k.toplevel())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no entry for " + pattern + " in the snapshot"));
  }

  private static StatementInterval interval(DiffResult diff, StatementKey key) {
    return diff.intervals().stream()
        .filter(i -> i.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no interval for " + key));
  }

  private static HotQuery row(List<HotQuery> hot, long queryId) {
    return hot.stream()
        .filter(q -> q.queryId() == queryId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("queryid " + queryId + " not in the hot list " + hot));
  }

  private static CheckResult kcacheLine(List<CheckResult> results) {
    return results.stream()
        .filter(r -> r.name().equals("pg_stat_kcache"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pg_stat_kcache line in " + results));
  }
}
