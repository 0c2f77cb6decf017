package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.CheckResult.Status;
import dev.earlybird.testing.SystemPgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The advisor's per-database connections of one target, and check's advisor lines, on Debian's PostgreSQL 15. */
class AdvisorConnectionsIT {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final String ODD_NAME = "Tenant ä/1";

  private static SystemPgServer server;

  @BeforeAll
  static void start() {
    server = SystemPgServer.start(BIN, Map.of());
    server.execute("postgres",
        "CREATE DATABASE advisor_a",
        "CREATE DATABASE advisor_b",
        "CREATE DATABASE advisor_locked",
        "CREATE DATABASE \"" + ODD_NAME + "\"",
        "REVOKE CONNECT ON DATABASE advisor_locked FROM PUBLIC",
        "CREATE ROLE advisor LOGIN");
    server.execute("advisor_a", "CREATE EXTENSION hypopg");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aSecondBorrowerWaitsForTheOnlySlotAndAThirdTimesOut() throws Exception {
    try (var pool = new AdvisorConnections(endpoint("postgres"), 1, Duration.ofMinutes(5), Duration.ofSeconds(10),
            InstantSource.system());
        var quick = new AdvisorConnections(endpoint("postgres"), 1, Duration.ofMinutes(5), Duration.ofMillis(200),
            InstantSource.system());
        var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      var holding = new CountDownLatch(1);
      var release = new CountDownLatch(1);
      var secondRan = new AtomicBoolean();
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> borrow(pool, "advisor_a", c -> {
        holding.countDown();
        release.await(10, TimeUnit.SECONDS);
        return database(c);
      }), threads);
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> borrow(pool, "advisor_b", c -> {
        secondRan.set(true);
        return database(c);
      }), threads);
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !secondRan.get());
      assertThat(pool.openConnections()).isEqualTo(1);
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("advisor_a");
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("advisor_b");
      assertThat(pool.openConnections()).as("advisor_a's connection closed to make room").isEqualTo(1);

      var held = new CountDownLatch(1);
      var done = new CountDownLatch(1);
      CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> borrow(quick, "advisor_a", c -> {
        held.countDown();
        done.await(10, TimeUnit.SECONDS);
        return database(c);
      }), threads);
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> quick.withDatabase("advisor_a", AdvisorConnectionsIT::database))
          .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.TIMEOUT))
          .hasMessage("target advisor, database advisor_a: no advisor connection became free within 200 ms (at most 1"
              + " per target)");
      done.countDown();
      assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("advisor_a");
    }
  }

  @Test
  void sessionsAreReadOnlyReusedPerDatabaseAndClosedWhenIdle() throws Exception {
    var now = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
    try (var pool = new AdvisorConnections(endpoint("postgres"), 2, Duration.ofMinutes(5), Duration.ofSeconds(10),
        now::get)) {
      int pid = pool.withDatabase("advisor_a", AdvisorConnectionsIT::pid);
      assertThatThrownBy(() -> pool.withDatabase("advisor_a", c -> c.createStatement().execute(
              "CREATE TABLE written (id int)")))
          .isInstanceOf(SourceException.class)
          .hasMessage("target advisor, database advisor_a: ERROR: cannot execute CREATE TABLE in a read-only"
              + " transaction");
      // A refused write leaves the session usable: the same one serves the next borrower.
      assertThat(pool.withDatabase("advisor_a", AdvisorConnectionsIT::pid)).isEqualTo(pid);
      assertThat(pool.withDatabase(ODD_NAME, AdvisorConnectionsIT::database)).isEqualTo(ODD_NAME);
      assertThat(pool.openConnections()).isEqualTo(2);
      assertThat(sessions()).containsExactlyInAnyOrder("advisor_a", ODD_NAME);

      now.set(now.get().plus(Duration.ofMinutes(4)));
      pool.withDatabase("advisor_a", AdvisorConnectionsIT::pid);
      now.set(now.get().plus(Duration.ofMinutes(2)));
      pool.closeIdle(now.get());
      assertThat(pool.openConnections()).as("only the one idle for 6 minutes is closed").isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(AdvisorConnectionsIT::sessions, s -> s.equals(List.of("advisor_a")));
    }
    await().atMost(Duration.ofSeconds(10)).until(AdvisorConnectionsIT::sessions, List::isEmpty);
  }

  @Test
  void aDatabaseThatDoesNotExistIsNamedAndClassified() {
    try (var pool = new AdvisorConnections(endpoint("postgres"), InstantSource.system())) {
      assertThatThrownBy(() -> pool.withDatabase("gone tenant", AdvisorConnectionsIT::database))
          .isInstanceOfSatisfying(SourceException.class,
              e -> assertThat(e.reason()).isEqualTo(ErrorReason.DATABASE_MISSING))
          .hasMessageContaining("target advisor")
          .hasMessageContaining("database \"gone tenant\" does not exist");
      assertThat(pool.openConnections()).isZero();
    }
  }

  @Test
  void checkSaysWhereTheAdvisorConnectsAndWhereHypoPgIsCreated() {
    List<CheckResult> some = AdvisorCheck.run(endpoint("postgres"), name -> name.startsWith("advisor_"));
    assertThat(some).containsExactly(
        new CheckResult("advisor connects", Status.WARN, "to 2 of 3 databases; not to advisor_locked (permission):"
            + " no plans or index advice there",
            "As the database's owner or a superuser run: GRANT CONNECT ON DATABASE advisor_locked TO advisor;"
                + " (likewise for the others named)"),
        new CheckResult("HypoPG", Status.PASS, "HypoPG created in 1 of 2 databases; CREATE EXTENSION hypopg where"
            + " you want index advice confirmed (Earlybird never creates it)", ""));

    // With the target's own checks: its lines first, then the advisor's; a reachable target with HypoPG nowhere it
    // polls is no failure.
    List<CheckResult> all = TargetCheck.run(endpoint("postgres"), endpoint("postgres"), "advisor_b"::equals);
    assertThat(all.get(0)).isEqualTo(new CheckResult("reachable", Status.PASS,
        server.jdbcUrl("postgres") + " as advisor", ""));
    assertThat(all.subList(all.size() - 2, all.size())).containsExactly(
        new CheckResult("advisor connects", Status.PASS, "to all 1 databases", ""),
        new CheckResult("HypoPG", Status.PASS, "HypoPG created in 0 of 1 databases; CREATE EXTENSION hypopg where"
            + " you want index advice confirmed (Earlybird never creates it)", ""));

    List<CheckResult> none = AdvisorCheck.run(endpoint("postgres"), "advisor_locked"::equals);
    assertThat(none.get(0).status()).isEqualTo(Status.FAIL);
    assertThat(none.get(0).detail()).isEqualTo("to none of 1 databases: advisor_locked (permission)");
  }

  private static PgEndpoint endpoint(String database) {
    return PgEndpoint.of("advisor", server.jdbcUrl(database), "advisor", null);
  }

  /** The databases the advisor's sessions are connected to now. */
  private static List<String> sessions() throws SQLException {
    try (Connection c = server.superuser("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT datname FROM pg_stat_activity WHERE application_name = 'earlybird' ORDER BY datname")) {
      var names = new ArrayList<String>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  private interface Blocking<T> {
    T run(Connection c) throws Exception;
  }

  private static <T> T borrow(AdvisorConnections pool, String database, Blocking<T> work) {
    try {
      return pool.withDatabase(database, c -> {
        try {
          return work.run(c);
        } catch (SQLException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    } catch (SourceException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String database(Connection c) throws SQLException {
    return ReadOnlyTransaction.query(c, Duration.ofSeconds(5), "SELECT current_database()", rs -> {
      rs.next();
      return rs.getString(1);
    });
  }

  private static int pid(Connection c) throws SQLException {
    return ReadOnlyTransaction.query(c, Duration.ofSeconds(5), "SELECT pg_backend_pid()", rs -> {
      rs.next();
      return rs.getInt(1);
    });
  }
}
