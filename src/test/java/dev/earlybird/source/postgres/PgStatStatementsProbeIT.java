package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.PgTestSupport.oid;
import static dev.earlybird.source.postgres.PgTestSupport.superuserEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.source.DiffResult;
import dev.earlybird.source.StatementDiff;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.Workload;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Steady-state polls read the full counters of changed entries only, and give the very snapshot (so the very
 * intervals) a full read gives: each test polls with a probing source and a {@link PgStatStatementsSource#fullReadsOnly}
 * one side by side, both limited to a database of the test's own where nothing runs between the two reads.
 */
class PgStatStatementsProbeIT {
  private static final String VERSIONS = "dev.earlybird.testing.PostgresVersions#all";
  /** Plans, then fails at execution: plans and plan time move, calls do not (with track_planning). */
  private static final String FAILS_AFTER_PLANNING = "SELECT 1 / (id - id) FROM customers WHERE id = 1";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void aSteadyPollReadsOnlyTheChangedEntriesAndGivesTheFullReadsSnapshot(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "probe_steady";
    Workload.install(server, db);
    server.execute(db,
        """
        CREATE OR REPLACE FUNCTION probe_nested() RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE n bigint;
        BEGIN SELECT count(*) INTO n FROM orders WHERE amount >= 0; RETURN n; END $$""");
    try (var c = server.superuser(db)) {
      Workload.run(c, 5);
      // Enough idle entries that the few that move stay under the share that makes a poll read whole.
      Workload.distinctStatements(c, 60);
      planOnly(c);
      c.createStatement().execute("SELECT probe_nested()");
    }
    try (var sources = SideBySide.of(superuserEndpoint(server, "postgres"), db)) {
      Polled first = sources.poll();
      Snapshot p1 = first.probed();
      Snapshot f1 = first.full();
      assertThat(first.read().kind()).isEqualTo(SnapshotRead.Kind.FULL);

      // A few statements move, one by planning alone, one nested (toplevel false from 14 on); the rest stay.
      try (var c = server.superuser(db)) {
        Workload.run(c, 2);
        planOnly(c);
        c.createStatement().execute("SELECT probe_nested()");
      }
      Polled second = sources.poll();
      Snapshot p2 = second.probed();
      Snapshot f2 = second.full();

      Map<StatementKey, Counters> moved = f2.entries().entrySet().stream()
          .filter(e -> !e.getValue().equals(f1.entries().get(e.getKey())))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      SnapshotRead read = second.read();
      assertThat(read.kind()).isEqualTo(SnapshotRead.Kind.PROBED);
      assertThat(read.changed()).isEqualTo(moved.size());
      assertThat(read.countersRead()).as("full counters fetched").isEqualTo(moved.size());
      assertThat(read.entries()).isEqualTo(f2.entries().size()).isGreaterThan(moved.size() * 5);
      DiffResult fullDiff = StatementDiff.between(f1, f2);
      assertThat(fullDiff.intervals()).hasSize(moved.size());
      assertSameDiff(StatementDiff.between(p1, p2), fullDiff);

      long planned = PgTestSupport.queryIdsLike(server, db, "SELECT $1 / (id - id) FROM customers%").getFirst();
      StatementKey planOnly = PgTestSupport.topLevelKey(p2, oid(server, db), planned);
      assertThat(moved).containsKey(planOnly);
      assertThat(p2.entries().get(planOnly).calls()).isZero();
      assertThat(p2.entries().get(planOnly).plans()).isEqualTo(p1.entries().get(planOnly).plans() + 1);
      if (major >= 14) {
        assertThat(moved.keySet()).anyMatch(k -> !k.toplevel());
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void aResetReadsEveryEntryThenTheNextPollWholeThenProbesAgain(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "probe_reset";
    Workload.install(server, db);
    try (var c = server.superuser(db)) {
      Workload.run(c, 3);
      Workload.distinctStatements(c, 10);
    }
    long dbId = oid(server, db);
    try (var sources = SideBySide.of(superuserEndpoint(server, "postgres"), db)) {
      Polled first = sources.poll();
      assertThat(first.read().kind()).isEqualTo(SnapshotRead.Kind.FULL);

      // Every entry of the database removed (the other databases' stay) and the same statements run again: the same
      // keys, counting from zero, some with the very calls they had.
      server.execute("postgres", "SELECT pg_stat_statements_reset(0, " + dbId + ", 0)");
      try (var c = server.superuser(db)) {
        Workload.run(c, 3);
        Workload.distinctStatements(c, 10);
      }
      Polled second = sources.poll();
      assertThat(second.read().kind()).isEqualTo(SnapshotRead.Kind.PROBED_THEN_FULL);
      assertThat(second.read().countersRead()).isEqualTo(second.full().entries().size());
      DiffResult fullDiff = StatementDiff.between(first.full(), second.full());
      assertThat(fullDiff.recreatedEntries()).isPositive();
      assertSameDiff(StatementDiff.between(first.probed(), second.probed()), fullDiff);

      // Most entries changed last time: this poll reads whole, in one round trip.
      Polled third = sources.poll();
      assertThat(third.read().kind()).isEqualTo(SnapshotRead.Kind.FULL);
      assertThat(third.read().changed()).isZero();

      // Quiet again: back to probing, and nothing changed means no counters read at all.
      assertThat(sources.poll().read())
          .isEqualTo(new SnapshotRead(SnapshotRead.Kind.PROBED, third.full().entries().size(), 0, 0));
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(VERSIONS)
  void hiddenEntriesAreSummedAsTheFullReadSumsThem(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    String db = "probe_hidden";
    Workload.install(server, db);
    server.createLoginRole("eb_probe_limited", "limited-pw");
    try (var c = server.superuser(db)) {
      Workload.run(c, 4);
    }
    var endpoint = PgTestSupport.endpoint(server, "postgres", "eb_probe_limited", "limited-pw", Duration.ofSeconds(5));
    try (var sources = SideBySide.of(endpoint, db)) {
      sources.poll();
      try (var c = server.superuser(db)) {
        Workload.run(c, 3);
      }
      assertThat(sources.poll().read().kind()).isEqualTo(SnapshotRead.Kind.PROBED);
      assertThat(sources.probed().hidden().entries()).isPositive();
      assertThat(sources.probed().hidden()).isEqualTo(sources.full().hidden());
    }
  }

  /** With track_planning (superusers may set it per session) the statement is planned, then fails. */
  private static void planOnly(Connection c) throws SQLException {
    try (var s = c.createStatement()) {
      s.execute("SET pg_stat_statements.track_planning = on");
      try {
        s.execute(FAILS_AFTER_PLANNING);
        throw new AssertionError("expected division by zero");
      } catch (SQLException expected) {
        assertThat(expected.getSQLState()).isEqualTo("22012");
      }
    }
  }

  /** The same intervals and counts; the intervals' bounds differ by the few milliseconds between the two reads. */
  private static void assertSameDiff(DiffResult probed, DiffResult full) {
    assertThat(probed)
        .usingRecursiveComparison()
        .ignoringFields("intervals.start", "intervals.end")
        .ignoringCollectionOrder()
        .isEqualTo(full);
  }

  /** What the two sources read in one poll, and how the probing one read it. */
  record Polled(Snapshot probed, Snapshot full, SnapshotRead read) {}

  /** A probing source and a full-reading one, both limited to one database. */
  record SideBySide(PgStatStatementsSource probed, PgStatStatementsSource full) implements AutoCloseable {
    static SideBySide of(PgEndpoint endpoint, String database) throws Exception {
      var sources = new SideBySide(new PgStatStatementsSource(endpoint), PgStatStatementsSource.fullReadsOnly(endpoint));
      sources.probed.databases(database::equals);
      sources.full.databases(database::equals);
      return sources;
    }

    /** Both read, one right after the other; whatever the probing one read, the snapshot is the full read's. */
    Polled poll() throws Exception {
      Snapshot p = probed.snapshot();
      Snapshot f = full.snapshot();
      assertThat(p.entries()).isEqualTo(f.entries());
      return new Polled(p, f, probed.lastRead());
    }

    @Override
    public void close() {
      probed.close();
      full.close();
    }
  }
}
