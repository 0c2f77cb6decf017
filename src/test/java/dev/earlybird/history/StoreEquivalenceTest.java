package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Period;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementText;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same history written to both stores reads the same from both, read by read: the hot list and its ranking, the
 * baselines' sums and comparisons, series, fleet totals, outliers, pinned baselines. DuckDB and PostgreSQL differ
 * silently where SQL is not careful (integer division, division by zero, implicit casts, NULL ordering), and a read
 * that differs here is SQL that depends on one of them.
 */
class StoreEquivalenceTest {
  static final Instant START = Instant.parse("2026-03-01T00:07:00Z");
  static final Duration STEP = Duration.ofMinutes(20);
  static final int POLLS = 2 * 24 * 3; // two days
  static final Instant END = START.plus(STEP.multipliedBy(POLLS));
  static final Instant NOW = END.plus(Duration.ofMinutes(5));
  static final Period DAY2 = new Period(Instant.parse("2026-03-02T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z"));
  static final Period LAST_HOURS = new Period(END.minus(Duration.ofHours(5)), END);
  static final Period WINDOW = new Period(END.minus(Duration.ofHours(1)), END);

  @TempDir static Path duckDir;
  @TempDir static Path pgDir;
  static JdbcHistoryStore duck;
  static JdbcHistoryStore pg;

  @BeforeAll
  static void writeBoth() {
    duck = StoreKind.DUCKDB.open(duckDir, () -> NOW);
    pg = StoreKind.POSTGRES.open(pgDir, () -> NOW);
    for (JdbcHistoryStore s : List.of(duck, pg)) {
      write(s);
    }
  }

  @AfterAll
  static void close() {
    duck.close();
    pg.close();
  }

  /** Two targets, four databases (two tenants share a family), statements with and without CPU figures and calls. */
  static void write(JdbcHistoryStore s) {
    for (String t : List.of("a", "b")) {
      s.upsertDatabases(t, List.of(new DatabaseInfo(t, 1, "tenant_x"), new DatabaseInfo(t, 2, "tenant_y")));
    }
    List<StatementText> texts = new ArrayList<>();
    for (String t : List.of("a", "b")) {
      for (long db = 1; db <= 2; db++) {
        for (long q = 100; q <= 104; q++) {
          texts.add(new StatementText(t, db, q + db * 10, "SELECT " + q + " FROM orders WHERE id = $1", false,
              "fam" + q));
        }
      }
    }
    s.saveTexts(texts);
    for (int p = 1; p <= POLLS; p++) {
      Instant b = START.plus(STEP.multipliedBy(p - 1)), e = START.plus(STEP.multipliedBy(p));
      for (String t : List.of("a", "b")) {
        List<StatementInterval> intervals = new ArrayList<>();
        for (long db = 1; db <= 2; db++) {
          for (long q = 100; q <= 104; q++) {
            long calls = (p + q + db) % 4; // some intervals without calls
            // A per-call time of its own per statement: no two statements tie, so every order is the same on both.
            double perCall = (q - 99 + db * 0.13 + (t.equals("b") ? 0.029 : 0)) / 3.0;
            double ms = calls * perCall * (t.equals("b") && db == 2 && q == 101 ? 7.5 : 1.0);
            OptionalDouble cpu = (p + q) % 9 == 0 ? OptionalDouble.empty() : OptionalDouble.of(ms / 3);
            intervals.add(interval(key(t, db, 10, q + db * 10, true), b, e, calls, ms, cpu));
          }
        }
        s.recordPoll(PollRecord.success(snapshot(t, e, Map.of()), intervals));
      }
      if (p == POLLS / 2) {
        s.maintain(e, Retention.DEFAULT);
      }
    }
    s.maintain(NOW, Retention.DEFAULT);
    s.pinBaseline("day2", Optional.empty(), DAY2.from(), DAY2.to());
  }

  private static <T> void same(String what, Function<JdbcHistoryStore, T> read) {
    T fromDuck = read.apply(duck);
    T fromPg = read.apply(pg);
    assertThat(fromPg).as(what + " on PostgreSQL").usingRecursiveComparison()
        .withComparatorForType(TierReads::closeTo, Double.class)
        .isEqualTo(fromDuck);
  }

  @Test
  void hotListReadsAreTheSame() {
    for (Period p : List.of(WINDOW, LAST_HOURS, DAY2, new Period(START, END))) {
      HotQueryFilter all = HotQueryFilter.between(p.from(), p.to());
      assertThat(duck.hotQueries(all)).hasSizeGreaterThan(10);
      same("hot queries over " + p, s -> s.hotQueries(all));
      HotQueryFilter top = new HotQueryFilter(p.from(), p.to(), Optional.of("b"), Optional.empty(), OptionalInt.of(5),
          false);
      same("the hot list's top over " + p, s -> s.hotRanking(top, Optional.empty()));
      same("the top of tenant x over " + p, s -> s.hotRanking(top, Optional.of(n -> n.endsWith("_x"))));
      same("CPU per target over " + p, s -> s.targetCpu(p.from(), p.to()));
    }
  }

  @Test
  void baselineReadsAreTheSame() {
    List<StatementRef> refs = List.of(new StatementRef("a", 1, 110), new StatementRef("b", 2, 121),
        new StatementRef("b", 2, 199));
    List<Period> baseline = List.of(DAY2, new Period(START, DAY2.from()));
    assertThat(duck.usage(baseline, refs)).hasSize(2);
    same("usage", s -> s.usage(baseline, refs));
    same("call times", s -> s.callTimes(List.of(new CallTime.Read(baseline, refs), new CallTime.Read(List.of(DAY2),
        refs.subList(1, 2)))));
    same("sums per period", s -> s.periodSums("b", baseline));
    CandidateFilter candidates = new CandidateFilter(25, 1, 1.1, 0);
    assertThat(duck.compare(WINDOW, baseline, Map.of(), candidates)).isNotEmpty();
    same("comparison", s -> s.compare(WINDOW, baseline, Map.of(), candidates));
    same("comparison of one database", s -> s.compare(WINDOW, baseline, Map.of("b", Set.of(2L)), candidates));
    same("outliers", s -> s.outliers(LAST_HOURS, new OutlierFilter(1, 2, 1.5, 0)));
  }

  @Test
  void seriesTargetsAndPinsAreTheSame() {
    same("a statement's series", s -> s.querySeries("b", 2, 121, START, END));
    same("a statement's recent series", s -> s.querySeries("a", 1, 110, LAST_HOURS.from(), LAST_HOURS.to()));
    same("targets", JdbcHistoryStore::targets);
    same("databases", s -> s.databases("a"));
    same("texts", s -> s.text("b", 2, 121));
    same("known texts", s -> s.knownTextKeys("a"));
    same("last snapshots", s -> s.lastSnapshot("a"));
    same("polled targets", s -> s.polledTargets(WINDOW));
    same("first polls", JdbcHistoryStore::firstPolls);
    same("pinned baselines", JdbcHistoryStore::baselines);
    same("a pinned baseline's statements", s -> s.baselineStatements("day2"));
  }
}
