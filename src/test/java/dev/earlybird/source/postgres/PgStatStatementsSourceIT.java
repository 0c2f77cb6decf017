package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.PgTestSupport.oid;
import static dev.earlybird.source.postgres.PgTestSupport.queryIds;
import static dev.earlybird.source.postgres.PgTestSupport.superuserEndpoint;
import static dev.earlybird.source.postgres.PgTestSupport.topLevelKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.config.QueryTextMode;
import dev.earlybird.model.Counters;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.Workload;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reads of a healthy server, against every supported major (shared servers, own database names). */
class PgStatStatementsSourceIT {
  private static final String VERSIONS = "dev.earlybird.testing.PostgresVersions#all";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void serverInfoReportsVersionExtensionAndSettings(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    try (var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      ServerInfo info = source.serverInfo();
      assertThat(info.major()).isEqualTo(major);
      assertThat(info.version()).startsWith(Integer.toString(major));
      assertThat(info.pgssVersion()).matches("1\\.\\d+");
      assertThat(PgssVersion.parse(info.pgssVersion()).supported()).isTrue();
      assertThat(info.trackIoTiming()).isTrue();
      assertThat(info.pgssMax()).isEqualTo(5000);
      assertThat(info.pgssTrack()).isEqualTo("all");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void snapshotHasCallsAndRowsOfTheWorkload(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "src_counts";
    Workload.install(server, db);
    try (var c = server.superuser(db)) {
      Workload.run(c, 7);
    }
    long dbId = oid(server, db);
    long select = queryIds(server, db, "SELECT id, name, region FROM customers").getFirst();
    long join = queryIds(server, db, "SELECT o.id, o.amount FROM orders o").getFirst();

    try (var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      Instant before = Instant.now();
      Snapshot snapshot = source.snapshot();
      assertThat(snapshot.target()).isEqualTo("pg" + major);
      assertThat(snapshot.takenAt()).isBetween(before.minusSeconds(60), Instant.now().plusSeconds(60));
      Counters selectCounters = snapshot.entries().get(topLevelKey(snapshot, dbId, select));
      assertThat(selectCounters.calls()).isEqualTo(7);
      assertThat(selectCounters.values().rows()).isEqualTo(7);
      assertThat(selectCounters.totalExecMs()).isPositive();
      assertThat(selectCounters.meanExecMs()).isPositive();
      assertThat(selectCounters.values().sharedBlksHit() + selectCounters.values().sharedBlksRead()).isPositive();
      assertThat(selectCounters.values().ioReadMs()).isGreaterThanOrEqualTo(0);
      Counters joinCounters = snapshot.entries().get(topLevelKey(snapshot, dbId, join));
      assertThat(joinCounters.calls()).isEqualTo(7);
      assertThat(joinCounters.values().rows()).isEqualTo(7L * Workload.ORDERS_PER_CUSTOMER);
      if (major >= 14) {
        assertThat(snapshot.dealloc()).isPresent();
        assertThat(snapshot.statsReset()).isPresent();
      } else {
        assertThat(snapshot.dealloc()).isEmpty();
        assertThat(snapshot.statsReset()).isEmpty();
      }
      if (major >= 17) {
        assertThat(selectCounters.statsSince()).isNotNull().isBefore(Instant.now().plusSeconds(60));
      } else {
        assertThat(selectCounters.statsSince()).isNull();
      }
      assertThat(source.skippedNullQueryIds()).isZero();

      // The next poll reuses the prepared statement and sees the new calls.
      try (var c = server.superuser(db)) {
        Workload.run(c, 3);
      }
      Snapshot next = source.snapshot();
      assertThat(next.entries().get(topLevelKey(next, dbId, select)).calls()).isEqualTo(10);
      assertThat(next.takenAt()).isAfter(snapshot.takenAt());
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void nestedStatementsAreNotTopLevelFrom14(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "src_nested";
    Workload.install(server, db);
    server.execute(
        db,
        """
        CREATE OR REPLACE FUNCTION count_customers() RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE n bigint;
        BEGIN SELECT count(*) INTO n FROM customers WHERE region <> 'nowhere'; RETURN n; END $$""",
        "SELECT count_customers()",
        "SELECT count_customers()");
    long dbId = oid(server, db);
    // plpgsql cuts the INTO clause out of the text, and versions differ in the spacing left behind.
    long inner = PgTestSupport.queryIdsLike(server, db, "SELECT count(*)%FROM customers WHERE region <> %").getFirst();
    try (var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      Snapshot snapshot = source.snapshot();
      List<StatementKey> keys =
          snapshot.entries().keySet().stream().filter(k -> k.dbId() == dbId && k.queryId() == inner).toList();
      assertThat(keys).isNotEmpty();
      if (major >= 14) {
        assertThat(keys).allMatch(k -> !k.toplevel());
        assertThat(snapshot.entries().get(keys.getFirst()).calls()).isEqualTo(2);
      } else {
        assertThat(keys).allMatch(StatementKey::toplevel);
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void databaseFilterKeepsOnlyAcceptedDatabasesAndTextsShareAFamily(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    for (String db : List.of("tenant_alpha", "tenant_beta")) {
      Workload.install(server, db);
      try (var c = server.superuser(db)) {
        Workload.run(c, 2);
      }
    }
    long alpha = oid(server, "tenant_alpha");
    long beta = oid(server, "tenant_beta");
    try (var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      List<DatabaseInfo> only = source.databases(name -> name.equals("tenant_alpha"));
      assertThat(only).containsExactly(new DatabaseInfo("pg" + major, alpha, "tenant_alpha"));
      Snapshot filtered = source.snapshot();
      assertThat(filtered.entries().keySet()).isNotEmpty().allMatch(k -> k.dbId() == alpha);

      List<DatabaseInfo> all = source.databases(name -> true);
      assertThat(all).extracting(DatabaseInfo::name)
          .contains("postgres", "tenant_alpha", "tenant_beta")
          .doesNotContain("template0", "template1");
      Snapshot both = source.snapshot();
      StatementKey a = topLevelKey(both, alpha, queryIds(server, "tenant_alpha", "SELECT id, name, region").getFirst());
      StatementKey b = topLevelKey(both, beta, queryIds(server, "tenant_beta", "SELECT id, name, region").getFirst());
      assertThat(a).isNotEqualTo(b);

      List<StatementText> texts = source.texts(List.of(a, b), 1000, QueryTextMode.REDACT);
      assertThat(texts).hasSize(2);
      assertThat(texts).extracting(StatementText::dbId).containsExactlyInAnyOrder(alpha, beta);
      assertThat(texts).extracting(StatementText::text).containsOnly("SELECT id, name, region FROM customers WHERE id = $1");
      // Same SQL in two tenant databases: different keys, one family.
      assertThat(texts).extracting(StatementText::family)
          .containsOnly(dev.earlybird.model.QueryFamily.of(Workload.SELECT_CUSTOMER));
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void textsAreFetchedForGivenKeysOnlyAndCut(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "src_texts";
    Workload.install(server, db);
    StringBuilder longQuery = new StringBuilder("SELECT id");
    for (int i = 0; i < 40; i++) {
      longQuery.append(", name AS a_rather_long_column_alias_").append(i);
    }
    longQuery.append(" FROM customers WHERE id = 1");
    server.execute(db, longQuery.toString(), "SELECT count(*) FROM orders");
    long dbId = oid(server, db);
    long longId = queryIds(server, db, "SELECT id, name AS a_rather_long").getFirst();
    long countId = queryIds(server, db, "SELECT count(*) FROM orders").getFirst();
    try (var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      Snapshot snapshot = source.snapshot();
      StatementKey longKey = topLevelKey(snapshot, dbId, longId);
      StatementKey countKey = topLevelKey(snapshot, dbId, countId);

      List<StatementText> cut = source.texts(Set.of(longKey), 60, QueryTextMode.REDACT);
      assertThat(cut).singleElement().satisfies(t -> {
        assertThat(t.queryId()).isEqualTo(longId);
        assertThat(t.text()).hasSize(60).startsWith("SELECT id, name AS a_rather_long_column_alias_0");
        assertThat(t.truncated()).isTrue();
        assertThat(t.target()).isEqualTo("pg" + major);
      });

      List<StatementText> whole = source.texts(List.of(countKey, countKey), 1000, QueryTextMode.REDACT);
      assertThat(whole).singleElement().satisfies(t -> {
        assertThat(t.text()).isEqualTo("SELECT count(*) FROM orders");
        assertThat(t.truncated()).isFalse();
        assertThat(t.family()).isEqualTo(dev.earlybird.model.QueryFamily.of("select count(*) from orders"));
      });
      assertThat(source.texts(List.of(), 100, QueryTextMode.REDACT)).isEmpty();
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void textsFollowPollQueryText(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "src_texts_redact";
    server.createDatabase(db);
    String role = "src_redact_" + major;
    server.execute(db, "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role,
        "ALTER ROLE " + role + " PASSWORD 'S3cr3t-src' VALID UNTIL 'infinity'");
    long dbId = oid(server, db);
    long alterId = queryIds(server, db, "ALTER ROLE " + role).getFirst();
    String redacted = "ALTER ROLE " + role + " PASSWORD '<redacted>' VALID UNTIL '<redacted>'";
    try (var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      StatementKey key = topLevelKey(source.snapshot(), dbId, alterId);

      assertThat(source.texts(List.of(key), 1000, QueryTextMode.REDACT)).singleElement().satisfies(t -> {
        assertThat(t.text()).isEqualTo(redacted);
        assertThat(t.family()).isEqualTo(dev.earlybird.model.QueryFamily.of(redacted));
      });
      assertThat(source.texts(List.of(key), 1000, QueryTextMode.FULL)).singleElement()
          .satisfies(t -> assertThat(t.text()).contains("'S3cr3t-src'"));
      assertThat(source.texts(List.of(key), 1000, QueryTextMode.NONE)).singleElement().satisfies(t -> {
        assertThat(t.text()).isEqualTo(QueryTextMode.WITHHELD);
        assertThat(t.family()).as("of the redacted text, not a hash of the secret")
            .isEqualTo(dev.earlybird.model.QueryFamily.of(redacted));
      });
      // The server cuts 45 characters, inside the password; redacting lengthens it, and it is cut again.
      int cutAt = ("ALTER ROLE " + role + " PASSWORD 'S3cr").length();
      assertThat(source.texts(List.of(key), cutAt, QueryTextMode.REDACT)).singleElement().satisfies(t -> {
        assertThat(t.text()).isEqualTo("ALTER ROLE " + role + " PASSWORD ");
        assertThat(t.truncated()).isTrue();
      });
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void everyReadIsReadOnlyWithBoundedTimeoutsAndASafeSearchPath(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    Duration timeout = Duration.ofMillis(4500);
    var endpoint = PgTestSupport.endpoint(server, "postgres", "postgres", null, timeout);
    try (var c = PgConnector.open(endpoint)) {
      List<String> inside = ReadOnlyTransaction.query(c, timeout,
          "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'),"
              + " current_setting('idle_in_transaction_session_timeout'), current_setting('transaction_read_only'),"
              + " current_setting('search_path'), current_setting('application_name')",
          rs -> {
            rs.next();
            return List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6));
          });
      assertThat(inside).containsExactly("4500ms", "200ms", "30s", "on", "pg_catalog, pg_temp", "earlybird");
      assertThatThrownBy(() -> ReadOnlyTransaction.query(c, timeout, "CREATE TABLE earlybird_must_not_write (id int)",
              rs -> null))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("25006");
      // The failed transaction was ended, and nothing stays set on the session (a pooler may give it to others).
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT current_setting('statement_timeout'), current_setting('search_path')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("0");
        assertThat(rs.getString(2)).isEqualTo("\"$user\", public");
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void roleWithoutReadAllStatsSkipsOtherUsersEntries(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    server.createLoginRole("eb_limited", "limited-pw");
    server.execute("postgres", "SELECT 'seen only by superusers' AS marker");
    var endpoint = PgTestSupport.endpoint(server, "postgres", "eb_limited", "limited-pw", Duration.ofSeconds(5));
    try (var source = new PgStatStatementsSource(endpoint)) {
      source.snapshot();
      assertThat(source.skippedNullQueryIds()).isPositive();
      List<CheckResult> checks = TargetCheck.run(endpoint);
      assertThat(checks)
          .filteredOn(r -> r.name().equals("pg_stat_statements readable"))
          .singleElement()
          .satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
            assertThat(r.fix()).isEqualTo("As a superuser run: GRANT pg_read_all_stats TO eb_limited;");
          });
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void checkPassesOnAHealthyServer(int major) {
    PgServer server = PostgresServers.shared(major);
    List<CheckResult> results = TargetCheck.run(superuserEndpoint(server, "postgres"));
    assertThat(results)
        .extracting(CheckResult::name)
        .containsExactly(
            "reachable",
            "session limits",
            "connection pooler",
            "server version",
            "pg_stat_statements loaded",
            "pg_stat_statements created",
            "pg_stat_statements readable",
            "track_io_timing",
            "pg_stat_statements.max",
            "pg_stat_statements.track",
            "pg_stat_kcache");
    assertThat(results).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(CheckResult.Status.PASS));
    // Optional: the Maven Central binaries do not ship it, which is fine and says how CPU is estimated instead.
    assertThat(results.getLast().detail()).contains("not installed").contains("execution time minus IO time");
    assertThat(results.get(1).detail()).isEqualTo("in effect in every read's transaction: statement_timeout 5000 ms,"
        + " lock_timeout 200 ms, idle_in_transaction_session_timeout 30000 ms, read-only, search_path pg_catalog,"
        + " pg_temp");
    assertThat(results.get(2).detail()).startsWith("none: connected to PostgreSQL directly");
  }
}
