package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.earlybird.config.QueryTextMode;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.PgBouncer;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through a real PgBouncer configured as in production ({@code ignore_startup_parameters = extra_float_digits}
 * only): polls and {@code check} work in transaction and session mode, with the limits in effect in every read,
 * and a slowed read never leaves agent queries piling up on the server.
 */
class PgBouncerIT {
  private static final String ROLE = "eb_bouncer";
  private static final String PASSWORD = "bouncer-pw";
  private static final String MARKER = "SELECT amname FROM pg_am WHERE amname = 'bouncer'";

  private static PgServer server(String db) {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    server.createDatabase(db);
    server.createLoginRole(ROLE, PASSWORD, "pg_read_all_stats");
    return server;
  }

  private static PgEndpoint endpoint(PgBouncer bouncer, String db, Duration statementTimeout) {
    return new PgEndpoint("bounced", bouncer.jdbcUrl(db), ROLE, PASSWORD, Duration.ofSeconds(5), statementTimeout);
  }

  @ParameterizedTest
  @EnumSource(PgBouncer.PoolMode.class)
  void pollsAndCheckWorkWithoutStartupOptions(PgBouncer.PoolMode mode) throws Exception {
    String db = "eb_bouncer_" + mode.name().toLowerCase(java.util.Locale.ROOT);
    PgServer server = server(db);
    try (PgBouncer bouncer = PgBouncer.start(server, mode, Map.of(ROLE, PASSWORD))) {
      // The pooler is set up as in production: a client that sends startup options is turned away.
      var withOptions = new Properties();
      withOptions.setProperty("user", ROLE);
      withOptions.setProperty("password", PASSWORD);
      withOptions.setProperty("options", "-c statement_timeout=5000");
      assertThatThrownBy(() -> DriverManager.getConnection(bouncer.jdbcUrl(db), withOptions).close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("unsupported startup parameter");

      // Put in the URL by hand, it is refused with a message that says so rather than blaming the network.
      var handMade = new PgEndpoint("bounced", bouncer.jdbcUrl(db) + "?options=-c%20work_mem%3D4MB", ROLE, PASSWORD,
          null, null);
      assertThatThrownBy(() -> PgConnector.open(handMade).close())
          .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.getMessage())
              .contains("unsupported startup parameter").contains("ignore_startup_parameters"));
      assertThat(TargetCheck.run(handMade)).singleElement()
          .satisfies(r -> assertThat(r.fix()).contains("Remove that parameter").doesNotContain("firewall"));

      var endpoint = endpoint(bouncer, db, Duration.ofSeconds(5));
      server.execute(db, MARKER);
      long dbId = PgTestSupport.oid(server, db);
      long queryId = PgTestSupport.queryIds(server, db, "SELECT amname FROM pg_am WHERE amname = $1").getFirst();
      try (var source = new PgStatStatementsSource(endpoint)) {
        assertThat(source.databases(db::equals)).singleElement().satisfies(d -> assertThat(d.oid()).isEqualTo(dbId));
        Snapshot first = source.snapshot();
        StatementKey key = PgTestSupport.topLevelKey(first, dbId, queryId);
        for (int poll = 1; poll <= 3; poll++) {
          server.execute(db, MARKER, MARKER);
          Snapshot next = source.snapshot();
          assertThat(next.entries().get(key).calls()).isEqualTo(first.entries().get(key).calls() + 2L * poll);
        }
        assertThat(source.texts(List.of(key), 200, QueryTextMode.REDACT))
            .singleElement()
            .satisfies(t -> assertThat(t.text()).isEqualTo("SELECT amname FROM pg_am WHERE amname = $1"));
      }

      List<CheckResult> checks = TargetCheck.run(endpoint);
      assertThat(checks).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(CheckResult.Status.PASS));
      assertThat(checks).filteredOn(r -> r.name().equals("session limits")).singleElement()
          .satisfies(r -> assertThat(r.detail()).isEqualTo("in effect in every read's transaction: statement_timeout"
              + " 5000 ms, lock_timeout 200 ms, idle_in_transaction_session_timeout 30000 ms, read-only, search_path"
              + " pg_catalog, pg_temp"));
      assertThat(checks).filteredOn(r -> r.name().equals("connection pooler")).singleElement()
          .satisfies(r -> assertThat(r.detail()).startsWith("in front"));
    }
  }

  /**
   * pg_stat_statements_info locked by a DBA's session: every read waits for it until its statement timeout, which
   * the server enforces even in transaction pooling, and never more than one agent query runs at a time.
   */
  @Test
  void aSlowedReadEndsOnTheServerAndNeverPilesUp() throws Exception {
    String db = "eb_bouncer_slow";
    PgServer server = server(db);
    var active = new AtomicInteger();
    var most = new AtomicInteger();
    var sampling = new AtomicBoolean(true);
    try (PgBouncer bouncer = PgBouncer.start(server, PgBouncer.PoolMode.TRANSACTION, Map.of(ROLE, PASSWORD));
        var locker = server.superuser(db);
        var watcher = server.superuser("postgres")) {
      Thread sampler = Thread.ofPlatform().start(() -> {
        try (var ps = watcher.prepareStatement("SELECT count(*) FROM pg_stat_activity"
            + " WHERE application_name = 'earlybird' AND state = 'active' AND datname = ?")) {
          ps.setString(1, db);
          while (sampling.get()) {
            try (var rs = ps.executeQuery()) {
              rs.next();
              active.set(rs.getInt(1));
              most.accumulateAndGet(rs.getInt(1), Math::max);
            }
          }
        } catch (SQLException e) {
          most.set(-1);
        }
      });
      var endpoint = endpoint(bouncer, db, Duration.ofMillis(150));
      try (var source = new PgStatStatementsSource(endpoint)) {
        source.databases(db::equals);
        locker.setAutoCommit(false);
        locker.createStatement().execute("LOCK TABLE public.pg_stat_statements_info IN ACCESS EXCLUSIVE MODE");
        for (int poll = 0; poll < 5; poll++) {
          assertThatThrownBy(source::snapshot)
              .isInstanceOfSatisfying(SourceException.class,
                  e -> assertThat(e.reason()).isEqualTo(ErrorReason.TIMEOUT))
              .hasMessageContaining("statement timeout");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(active.get()).isZero());
        locker.rollback();
        assertThat(source.snapshot().entries()).isNotEmpty();
      } finally {
        sampling.set(false);
        sampler.join();
      }
      assertThat(most.get()).as("agent queries active at once").isEqualTo(1);
    }
  }
  /**
   * Through a pooler in transaction mode the advisor sets nothing for the session (the pooler's next client would
   * inherit it): read-only then holds per transaction, as for every read.
   */
  @Test
  void advisorSessionsThroughAPoolerSetNothingBeyondTheirTransactions() throws Exception {
    String db = "eb_bouncer_advisor";
    PgServer server = server(db);
    try (PgBouncer bouncer = PgBouncer.start(server, PgBouncer.PoolMode.TRANSACTION, Map.of(ROLE, PASSWORD));
        var advisor = new AdvisorConnections(endpoint(bouncer, "postgres", Duration.ofSeconds(5)),
            InstantSource.system())) {
      List<String> seen = advisor.withDatabase(db, c -> {
        try (var s = c.createStatement();
            var rs = s.executeQuery("SHOW default_transaction_read_only")) {
          rs.next();
          String session = rs.getString(1);
          String inRead = ReadOnlyTransaction.query(c, Duration.ofSeconds(5),
              "SELECT current_setting('transaction_read_only') || ' in ' || current_database()",
              r -> r.next() ? r.getString(1) : null);
          return List.of(session, inRead);
        }
      });
      assertThat(seen).containsExactly("off", "on in " + db);
    }
  }
}
