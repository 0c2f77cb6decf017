package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.config.QueryTextMode;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import dev.earlybird.testing.Workload;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/** The monitoring session against what a shared server's other users can do to it: impostors, slot limits. */
class MonitoringSessionIT {
  private static final String MARKER = "SELECT amname FROM pg_am WHERE amname = 'impostor'";

  /**
   * A role whose own schema ({@code $user}, first on its search_path) holds a pg_stat_statements(boolean) that adds
   * a million calls to every entry, and a pg_stat_statements_info view with a made-up dealloc. In a plain session
   * of that role they win; the agent still reads the extension's own numbers.
   */
  @Test
  void functionsAndViewsNamedLikeTheExtensionsAreNeverUsed() throws Exception {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    String db = "eb_impostor";
    String role = "eb_impostor";
    server.createDatabase(db);
    server.createLoginRole(role, "impostor-pw", "pg_read_all_stats");
    server.execute(db,
        "DROP SCHEMA IF EXISTS eb_impostor CASCADE",
        "CREATE SCHEMA eb_impostor AUTHORIZATION eb_impostor",
        """
        CREATE FUNCTION eb_impostor.pg_stat_statements(showtext boolean) RETURNS SETOF public.pg_stat_statements
        LANGUAGE plpgsql AS $$
        DECLARE r public.pg_stat_statements;
        BEGIN
          FOR r IN SELECT * FROM public.pg_stat_statements(showtext) LOOP
            r.calls := r.calls + 1000000;
            RETURN NEXT r;
          END LOOP;
        END $$""",
        "CREATE VIEW eb_impostor.pg_stat_statements_info AS"
            + " SELECT 424242::int8 AS dealloc, now() - interval '1000 days' AS stats_reset",
        "GRANT SELECT ON eb_impostor.pg_stat_statements_info TO eb_impostor",
        MARKER, MARKER, MARKER);
    var endpoint = PgTestSupport.endpoint(server, db, role, "impostor-pw", Duration.ofSeconds(5));
    long dbId = PgTestSupport.oid(server, db);
    long queryId = PgTestSupport.queryIds(server, db, "SELECT amname FROM pg_am WHERE amname = $1").getFirst();

    // The trap is armed: the role's own session finds the impostors first.
    var props = new Properties();
    props.setProperty("user", role);
    props.setProperty("password", "impostor-pw");
    try (var c = DriverManager.getConnection(server.jdbcUrl(db), props);
        var rs = c.createStatement().executeQuery("SELECT min(calls), (SELECT dealloc FROM pg_stat_statements_info)"
            + " FROM pg_stat_statements(false)")) {
      rs.next();
      assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(1_000_000);
      assertThat(rs.getLong(2)).isEqualTo(424242);
    }

    long realDealloc;
    long realCalls;
    try (var c = server.superuser(db);
        var rs = c.createStatement().executeQuery("SELECT (SELECT dealloc FROM public.pg_stat_statements_info),"
            + " (SELECT sum(calls) FROM public.pg_stat_statements(false) WHERE queryid = " + queryId
            + " AND dbid = " + dbId + " AND toplevel)")) {
      rs.next();
      realDealloc = rs.getLong(1);
      realCalls = rs.getLong(2);
    }
    try (var source = new PgStatStatementsSource(endpoint)) {
      source.databases(db::equals);
      Snapshot snapshot = source.snapshot();
      StatementKey key = PgTestSupport.topLevelKey(snapshot, dbId, queryId);
      assertThat(snapshot.entries().get(key).calls()).isEqualTo(realCalls).isLessThan(1_000_000);
      assertThat(snapshot.dealloc().getAsLong()).isEqualTo(realDealloc);
      assertThat(source.texts(List.of(key), 100, QueryTextMode.REDACT)).singleElement()
          .satisfies(t -> assertThat(t.text()).isEqualTo("SELECT amname FROM pg_am WHERE amname = $1"));
    }
    assertThat(TargetCheck.run(endpoint))
        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(CheckResult.Status.PASS));
  }

  /**
   * A full poll is one round trip with its transaction: the driver sends BEGIN READ ONLY, the limits, the two reads and
   * COMMIT before a single Sync; a steady-state poll is two, in the same transaction (counted in the driver's own
   * protocol log).
   */
  @Test
  void aFullPollIsOneRoundTripAndASteadyOneTwoInOneTransaction() throws Exception {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    var sent = new CopyOnWriteArrayList<String>();
    Logger driver = Logger.getLogger("org.postgresql");
    Level before = driver.getLevel();
    var handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        String m = new SimpleFormatter().formatMessage(r);
        if (m.startsWith(" FE=> Sync")) {
          sent.add("Sync");
        } else if (m.startsWith(" FE=> Parse")) {
          sent.add(m.substring(m.indexOf("query=\"") + 7, m.lastIndexOf("\",oids")).strip());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.FINEST);
    String db = "session_trips";
    Workload.install(server, db);
    try (var c = server.superuser(db)) {
      Workload.run(c, 2);
      Workload.distinctStatements(c, 40);
    }
    List<String> full;
    try (var source = new PgStatStatementsSource(PgTestSupport.superuserEndpoint(server, "postgres"))) {
      source.databases(db::equals);
      driver.setLevel(Level.FINEST);
      driver.addHandler(handler);
      source.snapshot();
      full = List.copyOf(sent);
      // Steady state: the probe, then the counters of what changed (the workload's own driver messages not counted).
      try (var c = server.superuser(db)) {
        Workload.run(c, 1);
      }
      sent.clear();
      source.snapshot();
      assertThat(source.lastRead().kind()).isEqualTo(SnapshotRead.Kind.PROBED);
      assertThat(source.lastRead().countersRead()).isPositive();
    } finally {
      driver.removeHandler(handler);
      driver.setLevel(before);
    }
    assertThat(full).filteredOn("Sync"::equals).hasSize(1);
    assertThat(full.getFirst()).isEqualTo("BEGIN READ ONLY");
    assertThat(full.get(full.size() - 2)).isEqualTo("COMMIT");
    assertThat(full.getLast()).isEqualTo("Sync");
    assertThat(full).hasSize(9); // BEGIN, 4 x SET LOCAL, header, counters, COMMIT; Sync

    // One transaction over two round trips: the limits, header and probe; then the changed counters and COMMIT.
    assertThat(sent).filteredOn("Sync"::equals).hasSize(2);
    assertThat(sent.getFirst()).isEqualTo("BEGIN READ ONLY");
    assertThat(sent.get(5)).startsWith("/* earlybird */ SELECT clock_timestamp()");
    assertThat(sent.get(6)).startsWith("/* earlybird */ SELECT dbid::int8, userid::int8").contains("array_agg");
    assertThat(sent.get(7)).isEqualTo("Sync");
    assertThat(sent.get(8)).contains("unnest(");
    assertThat(sent.subList(9, sent.size())).containsExactly("COMMIT", "Sync");
  }

  /** The role's CONNECTION LIMIT used up by other sessions (SQLSTATE 53300): too_many_connections, with the fix. */
  @Test
  void noConnectionSlotLeftIsTooManyConnections() throws Exception {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    server.createLoginRole("eb_one_slot", "slot-pw", "pg_read_all_stats");
    server.execute("postgres", "ALTER ROLE eb_one_slot CONNECTION LIMIT 1");
    var endpoint = PgTestSupport.endpoint(server, "postgres", "eb_one_slot", "slot-pw", Duration.ofSeconds(5));
    var props = new Properties();
    props.setProperty("user", "eb_one_slot");
    props.setProperty("password", "slot-pw");
    try (var holder = DriverManager.getConnection(server.jdbcUrl("postgres"), props);
        var source = new PgStatStatementsSource(endpoint)) {
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class,
              e -> assertThat(e.reason()).isEqualTo(ErrorReason.TOO_MANY_CONNECTIONS))
          .hasMessageContaining("too many connections for role \"eb_one_slot\"");
      CheckResult reachable = TargetCheck.run(endpoint).getFirst();
      assertThat(reachable.status()).isEqualTo(CheckResult.Status.FAIL);
      assertThat(reachable.fix()).contains("CONNECTION LIMIT").contains("one per target");
    }
  }

  /** The database of the URL dropped (SQLSTATE 3D000): database_missing, naming the URL. */
  @Test
  void aDroppedDatabaseIsDatabaseMissing() {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    server.createDatabase("eb_dropped");
    server.execute("postgres", "DROP DATABASE eb_dropped");
    var endpoint = PgTestSupport.superuserEndpoint(server, "eb_dropped");
    try (var source = new PgStatStatementsSource(endpoint)) {
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class,
              e -> assertThat(e.reason()).isEqualTo(ErrorReason.DATABASE_MISSING))
          .hasMessageContaining("database \"eb_dropped\" does not exist");
    }
    CheckResult reachable = TargetCheck.run(endpoint).getFirst();
    assertThat(reachable.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(reachable.fix()).contains("does not exist").contains(endpoint.safeUrl());
  }
}
