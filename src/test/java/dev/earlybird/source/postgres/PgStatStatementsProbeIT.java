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
import dev.earlybird.testing.PostgresVersions;
import dev.earlybird.testing.TcpRelay;
import dev.earlybird.testing.Workload;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
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
  private static final String ACROSS_STATS_SINCE =
      "dev.earlybird.source.postgres.PgStatStatementsProbeIT#acrossStatsSince";
  /** Conditions of {@link #shape}: one column per bit of the shape's number. */
  private static final int SHAPE_BITS = 10;
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

  /**
   * The bytes the server sends for a steady poll where 1% of a thousand entries moved, counted on the wire by a relay
   * in front of each source: the probed poll ships at most 0.3x what the full read of the same poll ships.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(ACROSS_STATS_SINCE)
  void aSteadyPollWithOnePercentChangedShipsAtMostThreeTenthsOfAFullReadsBytes(int major) throws Exception {
    int entries = 1000;
    String db = "probe_wire";
    try (PgServer server = PostgresServers.dedicated(major);
        var probedRelay = new TcpRelay(server.port());
        var fullRelay = new TcpRelay(server.port())) {
      createShapes(server, db);
      runShapes(server, db, 1, entries);
      try (var sources = SideBySide.of(relayed(server, probedRelay), relayed(server, fullRelay), db)) {
        Polled first = sources.poll();
        assertThat(first.read().kind()).isEqualTo(SnapshotRead.Kind.FULL);
        assertThat(first.full().entries()).hasSizeGreaterThanOrEqualTo(entries);
        Polled quiet = sources.poll();
        assertThat(quiet.read().kind()).isEqualTo(SnapshotRead.Kind.PROBED);

        runShapes(server, db, 1, entries / 100);
        long probedBefore = probedRelay.toClient();
        Snapshot probed = sources.probed().snapshot();
        long probedBytes = probedRelay.toClient() - probedBefore;
        long fullBefore = fullRelay.toClient();
        Snapshot full = sources.full().snapshot();
        long fullBytes = fullRelay.toClient() - fullBefore;

        SnapshotRead read = sources.probed().lastRead();
        assertThat(read.kind()).isEqualTo(SnapshotRead.Kind.PROBED);
        assertThat(probed.entries()).isEqualTo(full.entries());
        // The shapes run, and the driver's SET at connect (pg_stat_statements.track_utility).
        assertThat(read.countersRead()).isEqualTo(moved(quiet.full(), full)).isBetween(entries / 100, entries / 50);
        double ratio = (double) probedBytes / fullBytes;
        System.out.printf("[probe-wire] PostgreSQL %d, %d entries, %d changed: probed poll %,d bytes from the server,"
            + " full read %,d (%.3fx)%n", major, full.entries().size(), read.changed(), probedBytes, fullBytes, ratio);
        assertThat(ratio).as("server bytes of the probed poll / the full read's (%,d / %,d)", probedBytes, fullBytes)
            .isLessThanOrEqualTo(0.3);
      }
    }
  }

  /**
   * On a server of its own (pg_stat_statements.max 200), through what can happen between two polls: statements run
   * again, a new one, one reset alone and run again (a new life of the same key with the very calls it had, as an
   * entry evicted and run again), evictions among few changes, and a full reset. Each poll, the probing source gives
   * the full read's snapshot and intervals; it reads every entry whole where the header says to (a full reset always;
   * evictions before 17, where only the times tell an entry's lives apart).
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource(ACROSS_STATS_SINCE)
  void newReCreatedEvictedAndResetEntriesGiveTheFullReadsIntervals(int major) throws Exception {
    String db = "probe_lives";
    try (PgServer server = PostgresServers.dedicated(major, Map.of("pg_stat_statements.max", "200"))) {
      createShapes(server, db);
      runShapes(server, db, 1, 100);
      long dbId = oid(server, db);
      long reborn = PgTestSupport.queryIdsLike(server, db, "SELECT c0 FROM wide WHERE c2 = $1").getFirst();
      try (var sources = SideBySide.of(superuserEndpoint(server, "postgres"), db)) {
        Polled last = sources.poll();
        assertThat(last.read().kind()).isEqualTo(SnapshotRead.Kind.FULL);

        // Three run again, a new one, and shape 4 (calls 1) reset alone and run once: calls 1 again, a new life.
        runShapes(server, db, 1, 3);
        runShapes(server, db, 150, 1);
        StatementKey rebornKey = PgTestSupport.topLevelKey(last.full(), dbId, reborn);
        server.execute("postgres",
            "SELECT pg_stat_statements_reset(%d, %d, %d)".formatted(rebornKey.userId(), dbId, reborn));
        runShapes(server, db, 4, 1);
        Polled next = sources.poll();
        assertThat(next.read().kind()).isEqualTo(SnapshotRead.Kind.PROBED);
        assertThat(next.full().entries().get(rebornKey).calls())
            .isEqualTo(last.full().entries().get(rebornKey).calls());
        assertThat(next.read().countersRead()).as("the three, the new one, the re-created one and the driver's SET")
            .isEqualTo(moved(last.full(), next.full())).isEqualTo(6);
        DiffResult diff = assertSameDiff(last, next);
        assertThat(diff.newEntries()).isEqualTo(1);
        if (major >= 17) {
          assertThat(diff.recreatedEntries()).isEqualTo(1);
        }

        // Past pg_stat_statements.max: most entries new, read whole; then quiet polls until the probe is back.
        runShapes(server, db, 200, 120);
        last = pollExpectingSameDiff(sources, next);
        assertThat(last.read().kind()).isNotEqualTo(SnapshotRead.Kind.PROBED);
        for (int i = 0; i < 3 && last.read().kind() != SnapshotRead.Kind.PROBED; i++) {
          last = pollExpectingSameDiff(sources, last);
        }
        assertThat(last.read().kind()).isEqualTo(SnapshotRead.Kind.PROBED);

        // A few new entries at the limit evict others: from 17 the probe carries on; before, the header's dealloc
        // (14+) says to read every entry whole; 13 has no header and goes by the probe's times alone.
        runShapes(server, db, 400, 12);
        next = pollExpectingSameDiff(sources, last);
        DiffResult evicted = StatementDiff.between(last.full(), next.full());
        assertThat(evicted.vanishedEntries()).isPositive();
        if (major >= 14) {
          assertThat(evicted.deallocated()).isPositive();
        }
        assertThat(next.read().kind()).isEqualTo(major >= 14 && major < 17
            ? SnapshotRead.Kind.PROBED_THEN_FULL : SnapshotRead.Kind.PROBED);
        last = next;

        // A full reset, and statements run again under their old keys: every entry is read whole.
        server.execute("postgres", "SELECT pg_stat_statements_reset()");
        runShapes(server, db, 1, 5);
        next = pollExpectingSameDiff(sources, last);
        assertThat(next.read().kind()).isIn(SnapshotRead.Kind.FULL, SnapshotRead.Kind.PROBED_THEN_FULL);
        assertThat(next.read().countersRead()).isEqualTo(next.full().entries().size());
        if (major >= 14) {
          assertThat(StatementDiff.between(last.full(), next.full()).reset()).isTrue();
        }
      }
    }
  }

  /** Majors on both sides of stats_since (17): 13 (no pg_stat_statements_info), 16 and 17, or what is asked for. */
  static List<Integer> acrossStatsSince() {
    List<Integer> chosen = PostgresVersions.all().stream().filter(Set.of(13, 16, 17)::contains).toList();
    return chosen.isEmpty() ? PostgresVersions.all() : chosen;
  }

  /** Entries of {@code next} that differ from {@code last} or are new. */
  private static int moved(Snapshot last, Snapshot next) {
    return (int) next.entries().entrySet().stream()
        .filter(e -> !e.getValue().equals(last.entries().get(e.getKey())))
        .count();
  }

  private static Polled pollExpectingSameDiff(SideBySide sources, Polled last) throws Exception {
    Polled next = sources.poll();
    assertSameDiff(last, next);
    return next;
  }

  /** The diffs of two polls, probed and full, are the same; returns the full read's. */
  private static DiffResult assertSameDiff(Polled last, Polled next) {
    DiffResult full = StatementDiff.between(last.full(), next.full());
    assertSameDiff(StatementDiff.between(last.probed(), next.probed()), full);
    return full;
  }

  /** A table of {@value #SHAPE_BITS} int columns for {@link #shape}s to select from. */
  private static void createShapes(PgServer server, String db) {
    server.createDatabase(db);
    var columns = new StringJoiner(", ");
    for (int b = 0; b < SHAPE_BITS; b++) {
      columns.add("c" + b + " int");
    }
    server.execute(db, "CREATE TABLE wide (" + columns + ")",
        "INSERT INTO wide SELECT " + "g, ".repeat(SHAPE_BITS - 1) + "g FROM generate_series(1, 20) g");
  }

  /**
   * Statement shape {@code i} (1 to 2^{@value #SHAPE_BITS} - 1): a condition on column b for each bit b of i, so every
   * shape is a pg_stat_statements entry of its own, with a short text.
   */
  private static String shape(int i) {
    var where = new StringJoiner(" AND ");
    for (int b = 0; b < SHAPE_BITS; b++) {
      if ((i >> b & 1) != 0) {
        where.add("c" + b + " = " + b);
      }
    }
    return "SELECT c0 FROM wide WHERE " + where;
  }

  /** Runs shapes {@code first} to {@code first + count - 1} once each. */
  private static void runShapes(PgServer server, String db, int first, int count) throws SQLException {
    try (var c = server.superuser(db); var s = c.createStatement()) {
      for (int i = first; i < first + count; i++) {
        s.executeQuery(shape(i)).close();
      }
    }
  }

  /** The superuser's endpoint to database postgres through {@code relay}. */
  private static PgEndpoint relayed(PgServer server, TcpRelay relay) {
    return PgEndpoint.of("pg" + server.major(), "jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres", "postgres",
        null);
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
      return of(endpoint, endpoint, database);
    }

    /** Each source over an endpoint of its own (e.g. a relay each, to count each one's bytes). */
    static SideBySide of(PgEndpoint probedEndpoint, PgEndpoint fullEndpoint, String database) throws Exception {
      var sources = new SideBySide(new PgStatStatementsSource(probedEndpoint),
          PgStatStatementsSource.fullReadsOnly(fullEndpoint));
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
