package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.earlybird.config.RegressionConfig;
import dev.earlybird.history.Usage;
import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.PlanCapture;
import dev.earlybird.model.RelationStats;
import dev.earlybird.model.ServerSettings;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.Subject;
import dev.earlybird.source.postgres.Catalogs;
import dev.earlybird.source.postgres.GenericPlans;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.Settings;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import dev.earlybird.testing.SuperuserAccess;
import dev.earlybird.testing.SystemPgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The advisor's rules that need no plan diff or HypoPG, each fed what the advisor reads of a real server (catalog,
 * settings, generic plans, pg_stat_statements through the poller's source) after a workload that must make it fire,
 * and after the change a DBA would make (or a workload that must not), which must silence it.
 */
class AdvisorRulesIT {
  static final Duration TIMEOUT = PgEndpoint.DEFAULT_STATEMENT_TIMEOUT;
  static final Duration MIN_PER_HOUR = RegressionConfig.DEFAULT_MIN_EXTRA_PER_HOUR;
  /** Debian's PostgreSQL 15: the Maven Central binaries are built without LLVM, so only it can JIT. */
  static final Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15/bin");

  /** The oldest and the newest major: the rules read the same columns on all of them. */
  static List<Integer> oldestAndNewest() {
    List<Integer> all = PostgresVersions.all();
    return all.size() < 2 ? all : List.of(all.get(0), all.get(all.size() - 1));
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("oldestAndNewest")
  void staleStatisticsOfThePlannedTablesUntilTheyAreAnalyzed(int major) throws Exception {
    String db = "rules_stale";
    PgServer server = sharedWith(major, db);
    // Autovacuum off on both tables, so that only the test decides when they are analyzed. Each step waits for
    // the previous one's counters: a session's counters could otherwise arrive after the next step's ANALYZE.
    server.execute(db,
        "DROP TABLE IF EXISTS visits, \"Wards\"",
        "CREATE TABLE visits (id bigint PRIMARY KEY, ward_id int, status text) WITH (autovacuum_enabled = false)",
        "INSERT INTO visits SELECT g, g % 50, 'open' FROM generate_series(1, 20000) g",
        "CREATE TABLE \"Wards\" (id int PRIMARY KEY, name text) WITH (autovacuum_enabled = false)",
        "INSERT INTO \"Wards\" SELECT g, 'w' || g FROM generate_series(1, 5000) g");
    long dbId = StatementReads.dbId(server, db);
    awaitCatalog(server, major, dbId, db, k -> relation(k, "visits").nLiveTup() == 20000);
    server.execute(db, "ANALYZE visits");
    awaitCatalog(server, major, dbId, db, k -> relation(k, "visits").analyzedAt().isPresent());
    server.execute(db, "UPDATE visits SET status = 'closed' WHERE id <= 8000");
    String sql = "SELECT v.id, w.name FROM visits v JOIN \"Wards\" w ON w.id = v.ward_id WHERE v.status = $1";
    var statement = new Subject.Statement("pg" + major, dbId, db, null, 7, null);
    try (Connection c = server.superuser(db)) {
      PlanShape plan = plan(new GenericPlans().capture(c, major, sql, false));
      DatabaseCatalog stale = awaitCatalog(server, major, dbId, db,
          k -> relation(k, "visits").nModSinceAnalyze() == 8000 && relation(k, "Wards").nLiveTup() == 5000);
      List<Observation> advice = StaleStatistics.observe(statement, plan, stale, StaleStatistics.FleetAges.NONE,
          Set.of(), Instant.now());
      assertThat(advice).extracting(o -> ((Evidence.Advice) o.evidence()).advice()).containsExactlyInAnyOrder(
          "statistics of public.visits are stale: 40% of its rows (8,000 of 20,000) changed since its last analyze; "
              + "the planner chose this plan on old numbers: ANALYZE public.visits",
          "statistics of public.\"Wards\" are stale: it was never analyzed; the planner chose this plan on old "
              + "numbers: ANALYZE public.\"Wards\"");
      assertThat(advice).extracting(o -> ((Evidence.Advice) o.evidence()).numbers()).anySatisfy(n ->
          assertThat(n).containsEntry("modSinceAnalyzePct", 40.0).containsEntry("nModSinceAnalyze", 8000.0)
              .containsEntry("rows", 20000.0));
      // Where it keeps coming back (the advisor remembers the tables its ANALYZEs name): the per-table setting too.
      Set<String> recurring = new HashSet<>();
      advice.forEach(o -> recurring.add(((Evidence.Advice) o.evidence()).ddl().substring("ANALYZE ".length())));
      assertThat(recurring).containsExactlyInAnyOrder("public.visits", "public.\"Wards\"");
      assertThat(StaleStatistics.observe(statement, plan, stale, StaleStatistics.FleetAges.NONE, recurring,
          Instant.now())).extracting(o -> ((Evidence.Advice) o.evidence()).advice()).allSatisfy(a -> assertThat(a)
              .containsPattern("; this keeps coming back, so let autovacuum analyze it sooner: ALTER TABLE "
                  + "public\\.(visits|\"Wards\") SET \\(autovacuum_analyze_scale_factor = 0\\.05\\)$"));

      Instant analyzed = relation(stale, "visits").analyzedAt().orElseThrow();
      server.execute(db, "ANALYZE visits", "ANALYZE \"Wards\"");
      DatabaseCatalog fresh = awaitCatalog(server, major, dbId, db,
          k -> relation(k, "visits").analyzedAt().filter(analyzed::isBefore).isPresent()
              && relation(k, "Wards").analyzedAt().isPresent());
      assertThat(relation(fresh, "visits").nModSinceAnalyze()).isZero();
      assertThat(StaleStatistics.observe(statement, plan(new GenericPlans().capture(c, major, sql, false)), fresh,
          StaleStatistics.FleetAges.NONE, Set.of(), Instant.now())).isEmpty();
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("oldestAndNewest")
  void temporaryTablesCreatedPerTransactionButNotOncePerSession(int major) throws Exception {
    String perTransaction = "rules_temp_churn";
    String perSession = "rules_temp_once";
    PgServer server = sharedWith(major, perTransaction, perSession);
    for (String db : List.of(perTransaction, perSession)) {
      server.execute(db, "DROP TABLE IF EXISTS visits",
          "CREATE TABLE visits AS SELECT g AS id FROM generate_series(1, 1000) g");
    }
    long churnId = StatementReads.dbId(server, perTransaction);
    long onceId = StatementReads.dbId(server, perSession);
    DatabaseCatalog churnBefore = catalog(server, major, churnId, perTransaction);
    DatabaseCatalog onceBefore = catalog(server, major, onceId, perSession);
    Snapshot before = StatementReads.snapshot(server, "pg" + major);
    int transactions = 200;
    try (Connection c = server.superuser(perTransaction); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int i = 0; i < transactions; i++) {
        s.execute("CREATE TEMP TABLE batch_ids (id int) ON COMMIT DROP");
        s.execute("INSERT INTO batch_ids SELECT generate_series(1, 10)");
        s.execute("SELECT count(*) FROM visits JOIN batch_ids USING (id)");
        c.commit();
      }
    }
    try (Connection c = server.superuser(perSession); Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE IF NOT EXISTS batch_ids (id int) ON COMMIT DELETE ROWS");
      c.setAutoCommit(false);
      for (int i = 0; i < transactions; i++) {
        s.execute("INSERT INTO batch_ids SELECT generate_series(1, 10)");
        s.execute("SELECT count(*) FROM visits JOIN batch_ids USING (id)");
        c.commit();
      }
    }
    DatabaseCatalog churnAfter = awaitCatalog(server, major, churnId, perTransaction,
        k -> k.churn().pgClassInserts() - churnBefore.churn().pgClassInserts() >= transactions);
    DatabaseCatalog onceAfter = catalog(server, major, onceId, perSession);
    Snapshot after = StatementReads.snapshot(server, "pg" + major);
    // The advisor judges the statements' counters of its analysis window, here the default hour.
    Duration window = RegressionConfig.DEFAULT_WINDOW;

    List<Observation> churn = TempTableChurn.observe(uses(server, perTransaction, churnId, before, after), window,
        new TempTableChurn.Churn(churnBefore.churn(), churnBefore.readAt(), churnAfter.churn(), churnAfter.readAt()),
        MIN_PER_HOUR);
    assertThat(churn).extracting(o -> ((Evidence.Advice) o.evidence()).advice()).hasSize(2)
        .anySatisfy(a -> assertThat(a).startsWith(
            "creates temporary table batch_ids 3.3 times per minute; the database inserts "))
        .anySatisfy(a -> assertThat(a).startsWith(
            "fills temporary table batch_ids (3.3 calls per minute), which this database creates 3.3 times"));
    assertThat(churn).extracting(o -> ((Evidence.Advice) o.evidence()).numbers()).allSatisfy(n -> {
      assertThat(n).containsEntry("tempTablesPerMinute", 3.33);
      // Each temporary table of one column: a pg_class row, and a pg_attribute row per column (7 with the system ones).
      assertThat(n.get("pgClassInsertsPerHour")).isGreaterThanOrEqualTo(TempTableChurn.HIGH_PG_CLASS_INSERTS_PER_HOUR);
      assertThat(n.get("pgAttributeInsertsPerHour")).isGreaterThanOrEqualTo(6.9 * n.get("pgClassInsertsPerHour"));
    });

    assertThat(TempTableChurn.observe(uses(server, perSession, onceId, before, after), window,
        new TempTableChurn.Churn(onceBefore.churn(), onceBefore.readAt(), onceAfter.churn(), onceAfter.readAt()),
        MIN_PER_HOUR)).as("a temporary table created once per session").isEmpty();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("oldestAndNewest")
  void settingsThatHideStatisticsUntilTheDbaFixesThem(int major) throws Exception {
    try (PgServer server = PostgresServers.dedicated(major, Map.of("pg_stat_statements.max", "100",
        "track_io_timing", ""))) {
      // track_io_timing and track_planning at their defaults (off), so that ALTER SYSTEM can turn them on.
      // More distinct statements than entries: pg_stat_statements evicts (and counts it from 14 on).
      try (Connection c = server.superuser("postgres"); Statement s = c.createStatement()) {
        StringBuilder sql = new StringBuilder("SELECT 1");
        for (int i = 0; i < 150; i++) {
          s.execute(sql.append(", 1").toString());
        }
      }
      String old = major >= 14 ? "1.8" : "1.7";
      server.createDatabase("rules_old_pgss");
      server.execute("rules_old_pgss", "DROP EXTENSION pg_stat_statements",
          "CREATE EXTENSION pg_stat_statements VERSION '" + old + "'");

      ServerSettings s = settings(server, "postgres");
      List<String> seen = SettingsRules.observe("pg", List.of(), s, Instant.now()).stream()
          .map(o -> ((Evidence.Advice) o.evidence()).advice()).toList();
      assertThat(seen).anySatisfy(a -> assertThat(a).startsWith("track_io_timing is off"))
          .anySatisfy(a -> assertThat(a).startsWith("pg_stat_statements.track_planning is off"));
      if (major >= 14) {
        assertThat(s.dealloc()).isPositive();
        assertThat(seen).hasSize(3).anySatisfy(a -> assertThat(a)
            .startsWith("pg_stat_statements evicted entries " + s.dealloc() + " times since its statistics were reset")
            .contains("its 100 entries are too few", "raise pg_stat_statements.max to 10,000"));
      } else {
        assertThat(seen).hasSize(2);
      }
      ServerSettings oldPgss = settings(server, "rules_old_pgss");
      assertThat(SettingsRules.observe("pg", List.of(), oldPgss, Instant.now()))
          .extracting(o -> ((Evidence.Advice) o.evidence()).advice())
          .contains("the pg_stat_statements extension is at version " + old + " while the server offers "
              + oldPgss.pgssDefaultVersion() + ": the view lacks the newer counters: ALTER EXTENSION "
              + "pg_stat_statements UPDATE in the database it was created in");

      // What the advice says to do (the entries need a restart; resetting the statistics clears the evictions).
      server.execute("postgres", "ALTER SYSTEM SET track_io_timing = on",
          "ALTER SYSTEM SET pg_stat_statements.track_planning = on", "SELECT pg_reload_conf()",
          "SELECT pg_stat_statements_reset()");
      server.execute("rules_old_pgss", "ALTER EXTENSION pg_stat_statements UPDATE");
      ServerSettings fixed = await().atMost(Duration.ofSeconds(10)).until(() -> settings(server, "postgres"),
          r -> r.trackIoTiming() && r.trackPlanning().orElse(false));
      assertThat(fixed.dealloc()).isZero();
      assertThat(SettingsRules.observe("pg", List.of(), fixed, Instant.now())).isEmpty();
      assertThat(SettingsRules.observe("pg", List.of(), settings(server, "rules_old_pgss"), Instant.now())).isEmpty();
    }
  }

  @Test
  void jitThatCostsMoreThanTheQueryRunsOnlyWhileJitIsOn() throws Exception {
    try (SystemPgServer server = SystemPgServer.start(DEBIAN_15, Map.of())) {
      server.execute("postgres", "CREATE EXTENSION pg_stat_statements");
      String db = "rules_jit";
      server.execute("postgres", "CREATE DATABASE " + db);
      server.execute(db, "CREATE TABLE doses (id int, mg numeric)",
          "INSERT INTO doses SELECT g, g / 10.0 FROM generate_series(1, 100) g", "ANALYZE doses");
      long dbId = StatementReads.dbId(server, db);
      String sql = "SELECT sum(mg * 2 + id), avg(mg) FROM doses WHERE id > 10";
      Snapshot start = StatementReads.snapshot(server, "pg15");
      runs(server, db, sql, "SET jit = off", 20);
      Snapshot off = StatementReads.snapshot(server, "pg15");
      // Every cost threshold at 0: this cheap aggregate gets compiled, inlined and optimized on each run.
      runs(server, db, sql, "SET jit = on; SET jit_above_cost = 0; SET jit_inline_above_cost = 0; "
          + "SET jit_optimize_above_cost = 0", 20);
      Snapshot on = StatementReads.snapshot(server, "pg15");
      long queryId = StatementReads.queryId(server, db, "SELECT sum(mg * $1 + id)");
      AdviceRules rules = new AdviceRules(MIN_PER_HOUR);

      Usage withoutJit = StatementReads.usage(start, off, dbId, true).get(queryId);
      assertThat(withoutJit.calls()).isEqualTo(20);
      assertThat(withoutJit.sums().jitMs()).isZero();
      assertThat(rules.jit(withoutJit, hours(start, off))).isEmpty();

      Usage withJit = StatementReads.usage(off, on, dbId, true).get(queryId);
      assertThat(withJit.calls()).isEqualTo(20);
      Evidence.Advice advice = rules.jit(withJit, hours(off, on)).orElseThrow();
      assertThat(advice.numbers().get("jitSharePct")).isGreaterThanOrEqualTo(50);
      assertThat(advice.numbers().get("jitMsPerCall")).isEqualTo(withJit.sums().jitMs() / 20, within(0.001));
      assertThat(advice.advice()).startsWith("JIT compilation takes ").contains("raise jit_above_cost");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("oldestAndNewest")
  void aScanOfATableLargerThanTheCacheIsIoBoundAndALookupInACachedTableIsNot(int major) throws Exception {
    String db = "rules_hit_ratio";
    PgServer server = sharedWith(major, db);
    // About 36 MB, four rows a page: more than the 16 MB of shared buffers, so a scan finds most of it on disk
    // (scans, CREATE TABLE AS and VACUUM of a large table go through small rings of buffers, leaving little cached).
    server.execute(db, "DROP TABLE IF EXISTS notes",
        "CREATE TABLE notes AS SELECT g AS id, repeat(md5(g::text), 58) AS body FROM generate_series(1, 18000) g",
        "VACUUM (FREEZE, ANALYZE) notes",
        "DROP TABLE IF EXISTS recent",
        "CREATE TABLE recent (id int PRIMARY KEY, body text)",
        "INSERT INTO recent SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
    long dbId = StatementReads.dbId(server, db);
    Snapshot before = StatementReads.snapshot(server, "pg" + major);
    runs(server, db, "SELECT count(*) FROM notes", null, 2);
    runs(server, db, "SELECT length(body) FROM recent WHERE id = 42", null, 200);
    Snapshot after = StatementReads.snapshot(server, "pg" + major);
    Map<Long, Usage> usage = StatementReads.usage(before, after, dbId, true);
    AdviceRules rules = new AdviceRules(MIN_PER_HOUR);

    Usage scan = usage.get(StatementReads.queryId(server, db, "SELECT count(*) FROM notes"));
    Evidence.Advice advice = rules.lowHitRatio(scan, hours(before, after)).orElseThrow(
        () -> new AssertionError("no low_hit_ratio advice for " + scan));
    assertThat(advice.numbers().get("hitRatioPct")).isLessThan(90);
    assertThat(advice.numbers().get("blocksRead")).isGreaterThanOrEqualTo(1000);
    assertThat(advice.numbers().get("ioReadSharePct")).isGreaterThanOrEqualTo(50);

    Usage lookup = usage.get(StatementReads.queryId(server, db, "SELECT length(body) FROM recent"));
    assertThat(lookup.sums().sharedBlksHit()).isGreaterThan(10 * lookup.sums().sharedBlksRead());
    assertThat(rules.lowHitRatio(lookup, hours(before, after))).isEmpty();
  }

  /** The shared server of {@code major}, with {@code databases} created. */
  private static PgServer sharedWith(int major, String... databases) {
    PgServer server = PostgresServers.shared(major);
    for (String db : databases) {
      server.createDatabase(db);
    }
    return server;
  }

  private static double hours(Snapshot a, Snapshot b) {
    return Duration.between(a.takenAt(), b.takenAt()).toNanos() / 3.6e12;
  }

  /** Runs {@code sql} {@code times} on one connection, after {@code setup}; the session ends with its statistics. */
  private static void runs(SuperuserAccess server, String db, String sql, String setup, int times)
      throws SQLException {
    try (Connection c = server.superuser(db); Statement s = c.createStatement()) {
      if (setup != null) {
        s.execute(setup);
      }
      for (int i = 0; i < times; i++) {
        s.execute(sql);
      }
    }
  }

  private static List<TempTableChurn.StatementUse> uses(SuperuserAccess server, String db, long dbId,
      Snapshot before, Snapshot after) throws SQLException {
    Map<Long, String> texts = StatementReads.texts(server, db);
    List<TempTableChurn.StatementUse> out = new ArrayList<>();
    StatementReads.usage(before, after, dbId, true).forEach((queryId, u) -> out.add(new TempTableChurn.StatementUse(
        new Subject.Statement("pg", dbId, db, null, queryId, null), texts.get(queryId), u.calls(), u.execMs())));
    return out;
  }

  private static ServerSettings settings(SuperuserAccess server, String db) throws SQLException {
    try (Connection c = server.superuser(db)) {
      return Settings.read(c, TIMEOUT);
    }
  }

  private static DatabaseCatalog catalog(SuperuserAccess server, int major, long dbId, String db) throws SQLException {
    try (Connection c = server.superuser(db)) {
      return catalog(c, major, dbId, db);
    }
  }

  private static DatabaseCatalog catalog(Connection c, int major, long dbId, String db) throws SQLException {
    return Catalogs.read(c, "pg" + major, dbId, db, Instant.now(), TIMEOUT, 500, 2000);
  }

  /** The catalog once {@code ready}: a session's counters reach pg_stat_user_tables shortly after it ends. */
  private static DatabaseCatalog awaitCatalog(SuperuserAccess server, int major, long dbId, String db,
      Predicate<DatabaseCatalog> ready) {
    return await().atMost(Duration.ofSeconds(15)).until(() -> catalog(server, major, dbId, db), ready);
  }

  private static RelationStats relation(DatabaseCatalog catalog, String table) {
    return catalog.relation("public", table).orElseThrow();
  }

  private static PlanShape plan(PlanCapture capture) {
    assertThat(capture).isInstanceOf(PlanCapture.Planned.class);
    return PlanShape.parse(((PlanCapture.Planned) capture).json());
  }
}
