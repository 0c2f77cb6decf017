package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.counters;
import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.Counters;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(StoreKind.class)
class HistoryStoreTest {
  @Parameter StoreKind kind;

  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path dir;
  JdbcHistoryStore store;

  @BeforeEach
  void open() {
    store = kind.open(dir, () -> T0);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aPollThatFailsBeforeCommitLeavesNothingBehind() {
    var k = key("db1", 5, 10, 100, true);
    Snapshot s1 = snapshot("db1", T0, Map.of(k, counters(10, 1, null)));
    store.recordPoll(PollRecord.success(s1, List.of()));
    Snapshot s2 = snapshot("db1", T0.plusSeconds(60), Map.of(k, counters(15, 1, null), key("db1", 5, 10, 101, true), counters(1, 2, null)));
    store.beforePollCommit = () -> {
      throw new IllegalStateException("injected");
    };
    assertThatThrownBy(() -> store.recordPoll(PollRecord.success(s2, Fixtures.diff(s1, s2))))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("injected");
    assertThat(store.stats().intervalRows()).isZero();
    assertThat(store.lastSnapshot("db1")).contains(s1);
    assertThat(store.targets()).singleElement().satisfies(t -> {
      assertThat(t.lastPollAt()).contains(T0);
      assertThat(t.statements()).isEqualTo(1);
    });
    assertThat(polls()).isEqualTo(1);

    store.beforePollCommit = () -> {};
    store.recordPoll(PollRecord.success(s2, Fixtures.diff(s1, s2)));
    assertThat(store.stats().intervalRows()).isEqualTo(2);
    assertThat(store.lastSnapshot("db1")).contains(s2);
    assertThat(polls()).isEqualTo(2);
  }

  @Test
  void lastSnapshotRoundTripsEveryField() {
    var a = key("t", 1, 2, -9_000_000_000_000_000_000L, true);
    var b = key("t", 1, 2, 42, false);
    var with =
        new Snapshot(
            "t", Instant.parse("2026-01-01T00:00:00.123456Z"), Optional.of(Instant.parse("2025-12-31T23:00:00.000001Z")),
            OptionalLong.of(77), Map.of(a, counters(5, 3, Instant.parse("2025-12-01T00:00:00.5Z")), b, counters(0, 4, null)));
    store.recordPoll(PollRecord.success(with, List.of()));
    assertThat(store.lastSnapshot("t")).contains(with);
    var without = new Snapshot("t", with.takenAt().plusSeconds(60), Optional.empty(), OptionalLong.empty(), with.entries());
    store.recordPoll(PollRecord.success(without, List.of()));
    assertThat(store.lastSnapshot("t")).contains(without);
    assertThat(store.lastSnapshot("other")).isEmpty();
  }

  @Test
  void steadyStatePollsWriteChangedNewAndVanishedEntries() {
    Map<StatementKey, Counters> entries = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      entries.put(key("t", 1, 1, i, true), counters(i, i, null));
    }
    Snapshot prev = snapshot("t", T0, entries);
    store.recordPoll(PollRecord.success(prev, List.of()));
    for (int round = 1; round <= 5; round++) {
      Map<StatementKey, Counters> next = new HashMap<>(prev.entries());
      next.put(key("t", 1, 1, round, true), counters(1000 + round, round, null)); // changed
      next.remove(key("t", 1, 1, 100 + round, true)); // vanished
      next.put(key("t", 1, 1, 1000 + round, false), counters(1, 1, null)); // new
      Snapshot s = snapshot("t", T0.plusSeconds(60L * round), next);
      store.recordPoll(PollRecord.success(s, Fixtures.diff(prev, s)));
      assertThat(store.lastSnapshot("t")).contains(s);
      prev = s;
    }
    // A store reopened (empty cache) continues from the persisted state.
    store.close();
    store = kind.open(dir, () -> T0);
    Map<StatementKey, Counters> next = new HashMap<>(prev.entries());
    next.put(key("t", 1, 1, 7, true), counters(5000, 7, null));
    Snapshot s = snapshot("t", T0.plusSeconds(3600), next);
    store.recordPoll(PollRecord.success(s, Fixtures.diff(prev, s)));
    assertThat(store.lastSnapshot("t")).contains(s);
  }

  @Test
  void failedPollMarksTargetDownAndKeepsLastSnapshot() {
    var k = key("t", 1, 1, 1, true);
    Snapshot s = snapshot("t", T0, Map.of(k, counters(1, 1, null)));
    store.upsertTarget(new TargetRecord("t", false, Optional.empty(), "17.4", 0, Optional.empty()));
    store.recordPoll(PollRecord.success(s, List.of()));
    store.recordPoll(PollRecord.failure("t", T0.plusSeconds(60), "connection refused"));
    assertThat(store.targets())
        .containsExactly(new TargetRecord("t", false, Optional.of(T0.plusSeconds(60)), "17.4", 1, Optional.of("connection refused")));
    assertThat(store.lastSnapshot("t")).contains(s);
    store.recordPoll(PollRecord.success(snapshot("t", T0.plusSeconds(120), s.entries()), List.of()));
    assertThat(store.targets())
        .containsExactly(new TargetRecord("t", true, Optional.of(T0.plusSeconds(120)), "17.4", 1, Optional.empty()));
  }

  @Test
  void hotQueriesSumOverUsersAndNestingLevels() {
    store.upsertDatabases("t", List.of(new DatabaseInfo("t", 1, "tenant_a"), new DatabaseInfo("t", 2, "tenant_b")));
    store.saveTexts(List.of(new StatementText("t", 1, 100, "select 1", false, "fam1")));
    Instant s = T0, e = T0.plusSeconds(60);
    store.recordPoll(
        poll("t", e,
            interval(key("t", 1, 10, 100, true), s, e, 10, 100),
            interval(key("t", 1, 11, 100, true), s, e, 5, 50),
            interval(key("t", 1, 10, 100, false), s, e, 1, 10),
            interval(key("t", 2, 10, 100, true), s, e, 3, 300, OptionalDouble.empty()), // other database, no CPU
            interval(key("t", 1, 10, 200, true), s, e, 1, 1)));
    store.recordPoll(poll("u", e, interval(key("u", 1, 10, 100, true), s, e, 1, 1000)));

    var rows = store.hotQueries(HotQueryFilter.between(s, e));
    assertThat(rows).extracting(HotQueryRow::target, HotQueryRow::database, HotQueryRow::queryId, HotQueryRow::calls, HotQueryRow::execMs)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("u", null, 100L, 1L, 1000.0),
            org.assertj.core.groups.Tuple.tuple("t", "tenant_b", 100L, 3L, 300.0),
            org.assertj.core.groups.Tuple.tuple("t", "tenant_a", 100L, 16L, 160.0),
            org.assertj.core.groups.Tuple.tuple("t", "tenant_a", 200L, 1L, 1.0));
    HotQueryRow a = rows.get(2);
    assertThat(a.query()).isEqualTo("select 1");
    assertThat(a.family()).isEqualTo("fam1");
    assertThat(a.meanMs()).isEqualTo(10.0);
    assertThat(a.ioMs()).isEqualTo((0.25 + 0.125 + 0.0625) * 16);
    assertThat(a.execMinusIoMs()).isEqualTo(160 - a.ioMs());
    assertThat(a.rows()).isEqualTo(32);
    assertThat(a.usage().intervals()).isEqualTo(3);
    assertThat(a.usage().knownCpuMs()).as("pg_stat_kcache CPU of every interval").hasValue((100 + 50 + 10) / 2.0);
    assertThat(rows.get(1).usage().knownCpuMs()).as("unknown, not 0").isEmpty();
    assertThat(rows.get(1).query()).isNull();

    assertThat(store.hotQueries(HotQueryFilter.between(s, e).withTarget("t").withDatabase("tenant_a").withLimit(1)))
        .extracting(HotQueryRow::queryId).containsExactly(100L);
    assertThat(store.hotQueries(HotQueryFilter.between(e, e.plusSeconds(60)))).as("window is (from, to]").isEmpty();
  }

  @Test
  void compareReadsTheBaselineOfItsScopeAndReturnsOnlyItsRowsButRanksTheWholeWindow() {
    Instant b0 = T0, b1 = T0.plusSeconds(60), w0 = T0.plusSeconds(600), w1 = T0.plusSeconds(660);
    for (long db = 1; db <= 2; db++) {
      store.recordPoll(poll("t", b1, interval(key("t", db, 10, 100, true), b0, b1, 10, 10 * db)));
    }
    store.recordPoll(poll("t", w1,
        interval(key("t", 1, 10, 100, true), w0, w1, 10, 40),
        interval(key("t", 2, 10, 100, true), w0, w1, 10, 400)));
    var window = new dev.earlybird.model.Period(w0, w1);
    var baseline = List.of(new dev.earlybird.model.Period(b0, b1));
    var filter = new CandidateFilter(25, 1, 1.5, 0);

    var scoped = store.compare(window, baseline, Map.of("t", java.util.Set.of(1L)), filter);
    assertThat(scoped).extracting(StatementComparison::dbId, StatementComparison::targetRank, r -> r.baseline().calls())
        .as("db 2 is out of scope but still outranks db 1")
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 2, 10L));
    // The fixtures carry pg_stat_kcache CPU (half the execution time), which ranks before exec minus IO.
    assertThat(scoped.get(0).targetCpuMs()).isEqualTo(scoped.get(0).cpuMs() + 400 / 2.0);

    var all = store.compare(window, baseline, Map.of(), filter);
    assertThat(all).extracting(StatementComparison::dbId, r -> r.baseline().execMs())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 20.0), org.assertj.core.groups.Tuple.tuple(1L, 10.0));
  }

  @Test
  void textsAreStoredOnceKeepingTheFirst() {
    store.saveTexts(List.of(
        new StatementText("t", 1, 100, "select first", false, "f1"),
        new StatementText("t", 1, 100, "select duplicate in batch", false, "f1")));
    store.saveTexts(List.of(
        new StatementText("t", 1, 100, "select later", true, "f2"),
        new StatementText("t", 2, 100, "select other db", true, "f3")));
    assertThat(store.text("t", 1, 100)).contains(new StatementText("t", 1, 100, "select first", false, "f1"));
    assertThat(store.text("t", 2, 100)).contains(new StatementText("t", 2, 100, "select other db", true, "f3"));
    assertThat(store.text("t", 3, 100)).isEmpty();
    assertThat(store.knownTextKeys("t")).containsExactlyInAnyOrder(new TextKey(1, 100), new TextKey(2, 100));
    assertThat(store.knownTextKeys("x")).isEmpty();
  }

  @Test
  void databasesAreUpsertedAndKept() {
    store.upsertDatabases("t", List.of(new DatabaseInfo("t", 1, "a"), new DatabaseInfo("t", 2, "b")));
    store.upsertDatabases("t", List.of(new DatabaseInfo("t", 2, "b2"), new DatabaseInfo("t", 3, "c")));
    assertThat(store.databases("t")).containsExactly(
        new DatabaseInfo("t", 1, "a"), new DatabaseInfo("t", 2, "b2"), new DatabaseInfo("t", 3, "c"));
  }

  @Test
  void statsReportSizeRowsAndLatency() {
    store.recordPoll(poll("t", T0.plusSeconds(60), interval(key("t", 1, 1, 1, true), T0, T0.plusSeconds(60), 1, 1)));
    StoreStats s = store.stats();
    assertThat(s.intervalRows()).isEqualTo(1);
    assertThat(s.fileSizeBytes()).isPositive();
    assertThat(s.lastWriteLatency()).isGreaterThan(Duration.ZERO);
  }

  static PollRecord poll(String target, Instant at, dev.earlybird.model.StatementInterval... intervals) {
    return PollRecord.success(snapshot(target, at, Map.of()), List.of(intervals));
  }

  private long polls() {
    return store.read("polls", c -> {
      try {
        return count(c, "poll");
      } catch (Exception e) {
        throw new java.sql.SQLException(e);
      }
    });
  }

  static long count(Connection c, String table) throws Exception {
    try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aStatementsPerformanceInsightsWaitsComeInTotalAndPerWindow() {
    // Two PI windows of a minute; the statement has half of digest D1 in the first and all of it in the second.
    var ref = new StatementRef("pg1", 5, 42);
    for (int w = 0; w < 2; w++) {
      var period = new dev.earlybird.model.Period(T0.plusSeconds(60L * w), T0.plusSeconds(60L * (w + 1)));
      var digest = new dev.earlybird.model.PiStatementLoad("D1", "42", "SELECT ?", 6000,
          Map.of("CPU", 4000.0 * (w + 1), "IO", 2000.0), OptionalDouble.empty(), OptionalDouble.empty(),
          OptionalDouble.empty());
      double share = w == 0 ? 0.5 : 1;
      store.recordPiWindow(
          new dev.earlybird.model.PiWindow("pg1", period, true, List.of(digest), List.of(), List.of()),
          List.of(new dev.earlybird.model.PiShare("D1", 5, 42, "queryid", share, 4000.0 * (w + 1) * share,
              6000 * share)),
          period.to());
    }

    PiStatementWaits waits = store.piWaits(ref, new dev.earlybird.model.Period(T0, T0.plusSeconds(120))).orElseThrow();

    assertThat(waits.waitMs()).containsEntry("CPU", 2000.0 + 8000.0).containsEntry("IO", 1000.0 + 2000.0);
    assertThat(waits.timeline()).extracting(PiStatementWaits.Window::start)
        .containsExactly(T0, T0.plusSeconds(60));
    assertThat(waits.timeline().get(0).end()).isEqualTo(T0.plusSeconds(60));
    assertThat(waits.timeline().get(0).waitMs()).containsEntry("CPU", 2000.0).containsEntry("IO", 1000.0);
    assertThat(waits.timeline().get(1).waitMs()).containsEntry("CPU", 8000.0).containsEntry("IO", 2000.0);
  }
}
