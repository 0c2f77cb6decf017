package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.PgTestSupport.superuserEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Evictions, resets, timeouts and broken targets, against every supported major. */
class PgStatStatementsFaultsIT {
  private static final String VERSIONS = "dev.earlybird.testing.PostgresVersions#all";
  // Not "SELECT 42 AS x": aliases are not part of the queryid, so that would share an entry with "SELECT 1".
  private static final String ANSWER = "SELECT amname FROM pg_am WHERE amname = 'answer'";

  /**
   * One dedicated server per major (pg_stat_statements.max = 100) for everything that disturbs a server, in
   * sequence, so each major is started only once for this.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void evictionResetTimeoutAndRestart(int major) throws Exception {
    try (PgServer server = PostgresServers.dedicated(major, Map.of("pg_stat_statements.max", "100"));
        var source = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
      // Eviction: more distinct statements than max.
      Snapshot before = source.snapshot();
      source.snapshot();
      try (var c = server.superuser("postgres")) {
        Workload.distinctStatements(c, 150);
      }
      Snapshot evicted = source.snapshot();
      // Most entries are new: read whole, after a probe or (if the source's own statements were a large share of the
      // few entries last time) straight away.
      assertThat(source.lastRead().kind()).isIn(SnapshotRead.Kind.PROBED_THEN_FULL, SnapshotRead.Kind.FULL);
      assertThat(source.lastRead().countersRead()).isEqualTo(evicted.entries().size());
      assertThat(evicted.entries()).hasSizeLessThanOrEqualTo(100);
      if (major >= 14) {
        assertThat(evicted.dealloc().getAsLong()).isGreaterThan(before.dealloc().getAsLong());
      } else {
        assertThat(evicted.dealloc()).isEmpty();
      }

      // Reset: counters drop, stats_reset moves (14+).
      server.execute("postgres", ANSWER, ANSWER, ANSWER);
      Snapshot full = source.snapshot();
      StatementKey answer = keyOf(server, full, "SELECT amname FROM pg_am WHERE amname = $1");
      assertThat(full.entries().get(answer).calls()).isGreaterThanOrEqualTo(3);
      server.execute("postgres", "SELECT pg_stat_statements_reset()", ANSWER);
      Snapshot reset = source.snapshot();
      assertThat(reset.entries().get(answer).calls()).isEqualTo(1);
      if (major >= 14) {
        assertThat(reset.statsReset().get()).isAfter(full.statsReset().get());
      }
      if (major >= 17) {
        assertThat(reset.entries().get(answer).statsSince()).isAfter(full.entries().get(answer).statsSince());
      }

      // Statement timeout: pg_database locked by another session; statement_timeout (100 ms) fires before
      // lock_timeout (200 ms). The source's connection is opened before the lock (login reads pg_database).
      var quick = PgTestSupport.endpoint(server, "postgres", "postgres", null, Duration.ofMillis(100));
      try (var timed = new PgStatStatementsSource(quick);
          var locker = server.superuser("postgres")) {
        timed.serverInfo();
        locker.setAutoCommit(false);
        locker.createStatement().execute("LOCK TABLE pg_database IN ACCESS EXCLUSIVE MODE");
        assertThatThrownBy(() -> timed.databases(name -> true))
            .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.TIMEOUT))
            .hasMessageContaining("statement timeout");
        locker.rollback();
      }

      // Server stopped: CONNECT, for the broken session and for new connection attempts.
      server.stop();
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.CONNECT));
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.CONNECT));
      server.start();
      // The same source reconnects on its next poll; a new one works too.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(source.snapshot().entries()).isNotNull());
      try (var fresh = new PgStatStatementsSource(superuserEndpoint(server, "postgres"))) {
        assertThat(fresh.serverInfo().major()).isEqualTo(major);
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void extensionNotPreloaded(int major) throws Exception {
    try (PgServer server = PostgresServers.dedicated(major, Map.of("shared_preload_libraries", ""))) {
      var endpoint = superuserEndpoint(server, "postgres");
      List<CheckResult> results = TargetCheck.run(endpoint);
      assertThat(results)
          .filteredOn(r -> r.name().equals("pg_stat_statements loaded"))
          .singleElement()
          .satisfies(r -> {
            assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
            assertThat(r.fix()).contains("shared_preload_libraries").contains("restart");
          });
      try (var source = new PgStatStatementsSource(endpoint)) {
        assertThatThrownBy(source::snapshot)
            .isInstanceOfSatisfying(
                SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.MISSING_EXTENSION))
            .hasMessageContaining("shared_preload_libraries");
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void extensionPreloadedButNotCreated(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    server.execute("postgres", "DROP DATABASE IF EXISTS no_pgss", "CREATE DATABASE no_pgss");
    var endpoint = superuserEndpoint(server, "no_pgss");
    assertThat(TargetCheck.run(endpoint))
        .filteredOn(r -> r.name().equals("pg_stat_statements created"))
        .singleElement()
        .satisfies(r -> {
          assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
          assertThat(r.fix()).contains("CREATE EXTENSION pg_stat_statements;");
        });
    try (var source = new PgStatStatementsSource(endpoint)) {
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(
              SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.MISSING_EXTENSION))
          .hasMessageContaining("not created");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void wrongPasswordIsAuthAndNeverShown(int major) {
    PgServer server = PostgresServers.shared(major);
    server.createLoginRole("eb_auth", "right-password", "pg_read_all_stats");
    String wrong = "Wr0ng-Secret-" + major;
    var endpoint = PgTestSupport.endpoint(server, "postgres", "eb_auth", wrong, Duration.ofSeconds(5));
    try (var source = new PgStatStatementsSource(endpoint)) {
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class, e -> {
            assertThat(e.reason()).isEqualTo(ErrorReason.AUTH);
            assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain("right-password");
          });
    }
    CheckResult reachable = TargetCheck.run(endpoint).getFirst();
    assertThat(reachable.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(reachable.toString()).doesNotContain(wrong);
    assertThat(endpoint.toString()).doesNotContain(wrong);

    var right = PgTestSupport.endpoint(server, "postgres", "eb_auth", "right-password", Duration.ofSeconds(5));
    assertThat(TargetCheck.run(right)).allSatisfy(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASS));
  }

  @Test
  void unknownHostIsDns() {
    var endpoint =
        PgEndpoint.of("nowhere", "jdbc:postgresql://no-such-host.invalid:5432/postgres", "earlybird", "secret-pw");
    try (var source = new PgStatStatementsSource(endpoint)) {
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class, e -> {
            assertThat(e.reason()).isEqualTo(ErrorReason.DNS);
            assertThat(e.getMessage()).contains("nowhere").doesNotContain("secret-pw")
                .contains("host no-such-host.invalid does not resolve");
          });
    }
    CheckResult reachable = TargetCheck.run(endpoint).getFirst();
    assertThat(reachable.name()).isEqualTo("reachable");
    assertThat(reachable.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(reachable.fix()).contains("does not resolve");
  }

  private static StatementKey keyOf(PgServer server, Snapshot snapshot, String text) throws Exception {
    long id = PgTestSupport.queryIds(server, "postgres", text).getFirst();
    return PgTestSupport.topLevelKey(snapshot, PgTestSupport.oid(server, "postgres"), id);
  }
}
