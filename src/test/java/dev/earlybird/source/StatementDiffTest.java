package dev.earlybird.source;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StatementDiffTest {
  static final String TARGET = "pg-1";
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);
  static final StatementKey A = new StatementKey(TARGET, 16384, 10, 111, true);
  static final StatementKey B = new StatementKey(TARGET, 16384, 10, 222, true);
  static final StatementKey C = new StatementKey(TARGET, 16385, 10, 111, true);
  static final StatementKey D = new StatementKey(TARGET, 16384, 10, 111, false);
  static final Counters ZERO = c(0, 0);

  // ---- the rules, one row each ----

  record Case(String name, Snapshot previous, Snapshot next, DiffResult expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> rules() {
    Instant born = T0.minusSeconds(3600);
    Instant reborn = T0.plusSeconds(30);
    Instant reset0 = T0.minusSeconds(86_400);
    Instant reset1 = T0.plusSeconds(10);
    return Stream.of(
        new Case(
            "1 first sight: no intervals, every key is new",
            null,
            snap(T1, Map.of(A, c(10, 100), B, c(5, 5))),
            result(List.of(), false, 0, 0, 0, 0, 0, Set.of(A, B))),
        new Case(
            "1 first sight counts bad values and still lists their keys",
            null,
            snap(T1, Map.of(A, c(10, Double.NaN), B, c(5, 5))),
            result(List.of(), false, 0, 0, 0, 0, 1, Set.of(A, B))),
        new Case(
            "2 counters grew: the difference",
            snap(T0, Map.of(A, c(10, 100))),
            snap(T1, Map.of(A, c(15, 160))),
            result(List.of(iv(A, c(10, 100), c(15, 160))), false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "2 keys differing only in dbid or toplevel are separate statements",
            snap(T0, Map.of(A, c(10, 100), C, c(1, 1), D, c(7, 7))),
            snap(T1, Map.of(A, c(11, 110), C, c(1, 1), D, c(9, 10))),
            result(
                List.of(iv(A, c(10, 100), c(11, 110)), iv(D, c(7, 7), c(9, 10))),
                false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "3 idle statement: nothing to write",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 5))),
            snap(T1, Map.of(A, c(10, 100), B, c(6, 6))),
            result(List.of(iv(B, c(5, 5), c(6, 6))), false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "4 key only in next: created after the previous read, all of it is this interval",
            snap(T0, Map.of(A, c(10, 100))),
            snap(T1, Map.of(A, c(10, 100), B, c(3, 30))),
            result(List.of(iv(B, ZERO, c(3, 30))), false, 1, 0, 0, 0, 0, Set.of(B))),
        new Case(
            "4 new entry with zero counters (text only): counted, nothing written",
            snap(T0, Map.of(A, c(10, 100))),
            snap(T1, Map.of(A, c(10, 100), B, ZERO)),
            result(List.of(), false, 1, 0, 0, 0, 0, Set.of(B))),
        new Case(
            "5 key only in previous: vanished, no interval",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 50), C, c(1, 1))),
            snap(T1, Map.of(A, c(10, 100))),
            result(List.of(), false, 0, 2, 0, 0, 0, Set.of())),
        new Case(
            "6 calls went down: deallocated and re-created, emit what it has",
            snap(T0, Map.of(A, c(100, 1000), B, c(5, 5), C, c(1, 1))),
            snap(T1, Map.of(A, c(4, 40), B, c(5, 5), C, c(1, 1))),
            result(List.of(iv(A, ZERO, c(4, 40))), false, 0, 0, 1, 0, 0, Set.of())),
        new Case(
            "6 exec time went down while calls grew: re-created, never a negative delta",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 5), C, c(1, 1))),
            snap(T1, Map.of(A, c(12, 50), B, c(5, 5), C, c(1, 1))),
            result(List.of(iv(A, ZERO, c(12, 50))), false, 0, 0, 1, 0, 0, Set.of())),
        new Case(
            "6 re-created with zero counters: counted, nothing written",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 5), C, c(1, 1))),
            snap(T1, Map.of(A, ZERO, B, c(5, 5), C, c(1, 1))),
            result(List.of(), false, 0, 0, 1, 0, 0, Set.of())),
        new Case(
            "7 stats_since changed although counters grew: re-created (17+)",
            snap(T0, Map.of(A, c(10, 100, born), B, c(5, 5, born), C, c(1, 1, born))),
            snap(T1, Map.of(A, c(20, 300, reborn), B, c(5, 5, born), C, c(1, 1, born))),
            result(List.of(iv(A, ZERO, c(20, 300, reborn))), false, 0, 0, 1, 0, 0, Set.of())),
        new Case(
            "7 stats_since unchanged: a normal difference",
            snap(T0, Map.of(A, c(10, 100, born))),
            snap(T1, Map.of(A, c(20, 300, born))),
            result(List.of(iv(A, c(10, 100, born), c(20, 300, born))), false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "8 stats_reset changed: every entry was born after the reset",
            info(T0, reset0, 4, Map.of(A, c(10, 100), B, c(5, 50), C, c(2, 2))),
            info(T1, reset1, 0, Map.of(A, c(3, 30), B, c(8, 80), D, c(1, 1))),
            result(
                List.of(iv(A, ZERO, c(3, 30)), iv(B, ZERO, c(8, 80)), iv(D, ZERO, c(1, 1))),
                true, 1, 1, 2, 0, 0, Set.of(D))),
        new Case(
            "8 stats_reset changed but stats_since did not: the entries were read before the reset (race)",
            info(T0, reset0, 4, Map.of(A, c(10, 100, born))),
            info(T1, reset1, 0, Map.of(A, c(12, 130, born))),
            result(List.of(iv(A, c(10, 100, born), c(12, 130, born))), true, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "8 no info (before 14) and most entries went down: a reset",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 50), C, c(1, 1))),
            snap(T1, Map.of(A, c(1, 10), B, c(2, 20), C, c(1, 1))),
            result(List.of(iv(A, ZERO, c(1, 10)), iv(B, ZERO, c(2, 20))), true, 0, 0, 2, 0, 0, Set.of())),
        new Case(
            "8 exactly half went down: evictions, not a reset",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 50))),
            snap(T1, Map.of(A, c(1, 10), B, c(5, 50))),
            result(List.of(iv(A, ZERO, c(1, 10))), false, 0, 0, 1, 0, 0, Set.of())),
        new Case(
            "9 dealloc grew: the difference",
            info(T0, reset0, 10, Map.of()),
            info(T1, reset0, 15, Map.of()),
            result(List.of(), false, 0, 0, 0, 5, 0, Set.of())),
        new Case(
            "9 dealloc went down: the info was reset, count from zero",
            info(T0, reset0, 10, Map.of()),
            info(T1, reset0, 3, Map.of()),
            result(List.of(), true, 0, 0, 0, 3, 0, Set.of())),
        new Case(
            "9 dealloc grew past its old value after a stats_reset: counted from the reset",
            info(T0, reset0, 2, Map.of()),
            info(T1, reset1, 7, Map.of()),
            result(List.of(), true, 0, 0, 0, 7, 0, Set.of())),
        new Case(
            "9 dealloc unknown before: 0",
            snap(T0, Map.of()),
            info(T1, reset0, 7, Map.of()),
            result(List.of(), false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "9 dealloc unknown after: 0",
            info(T0, reset0, 7, Map.of()),
            snap(T1, Map.of()),
            result(List.of(), false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "10 NaN, infinite or negative values: skipped and counted",
            snap(T0, Map.of(A, c(10, 100), B, c(5, 50), C, c(1, 1), D, c(1, 1))),
            snap(
                T1,
                Map.of(
                    A, c(11, Double.NaN),
                    B, c(6, Double.POSITIVE_INFINITY),
                    C, c(-1, 1),
                    D, c(2, 2))),
            result(List.of(iv(D, c(1, 1), c(2, 2))), false, 0, 0, 0, 0, 3, Set.of())),
        new Case(
            "10 a new key with bad values is listed for its text but not written",
            snap(T0, Map.of()),
            snap(T1, Map.of(A, c(1, Double.NaN))),
            result(List.of(), false, 0, 0, 0, 0, 1, Set.of(A))),
        new Case(
            "10 bad previous values: nothing to subtract from, like first sight",
            snap(T0, Map.of(A, c(10, Double.NaN), B, c(1, 1))),
            snap(T1, Map.of(A, c(12, 120), B, c(1, 1))),
            result(List.of(), false, 0, 0, 0, 0, 0, Set.of())),
        new Case(
            "10 bad previous values after a stats_reset: the new life is usable",
            info(T0, reset0, 0, Map.of(A, c(10, Double.NaN))),
            info(T1, reset1, 0, Map.of(A, c(12, 120))),
            result(List.of(iv(A, ZERO, c(12, 120))), true, 0, 0, 1, 0, 0, Set.of())),
        new Case(
            "12 same instant: allowed, nothing changed",
            snap(T0, Map.of(A, c(10, 100))),
            snap(T0, Map.of(A, c(10, 100))),
            result(List.of(), false, 0, 0, 0, 0, 0, Set.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rule(Case rule) {
    DiffResult actual = StatementDiff.between(rule.previous(), rule.next());
    assertThat(actual)
        .usingRecursiveComparison()
        .ignoringCollectionOrder()
        .withComparatorForType(StatementDiffTest::closeEnough, Double.class)
        .isEqualTo(rule.expected());
    for (StatementInterval interval : actual.intervals()) {
      assertNoNegativeField(interval);
    }
  }

  // ---- every field ----

  /** An entry with every counter set, read after {@code before} in the first test. */
  static final Counters AFTER =
      new Counters(CounterValues.ZERO.with(Counter.CALLS, 25)
              .with(Counter.EXEC_MS, 400)
              .with(Counter.ROWS, 80)
              .with(Counter.SHARED_BLKS_HIT, 1900)
              .with(Counter.SHARED_BLKS_READ, 260)
              .with(Counter.SHARED_BLKS_DIRTIED, 35)
              .with(Counter.SHARED_BLKS_WRITTEN, 41)
              .with(Counter.LOCAL_BLKS_HIT, 15)
              .with(Counter.LOCAL_BLKS_READ, 16)
              .with(Counter.TEMP_BLKS_READ, 17)
              .with(Counter.TEMP_BLKS_WRITTEN, 28)
              .with(Counter.IO_READ_MS, 3.0)
              .with(Counter.IO_WRITE_MS, 5.0)
              .with(Counter.PLANS, 30)
              .with(Counter.PLAN_MS, 9.5)
              .with(Counter.WAL_RECORDS, 190)
              .with(Counter.WAL_FPI, 10)
              .with(Counter.WAL_BYTES, 19000)
              .with(Counter.JIT_MS, 4.5), 16, 3, 1.25, 0.75, null, OptionalDouble.empty());

  @Test
  void everyFieldIsTheDifferenceAndTheIntervalSpansTheTwoReads() {
    Counters before =
        new Counters(CounterValues.ZERO.with(Counter.CALLS, 10)
                .with(Counter.EXEC_MS, 100)
                .with(Counter.ROWS, 50)
                .with(Counter.SHARED_BLKS_HIT, 1000)
                .with(Counter.SHARED_BLKS_READ, 200)
                .with(Counter.SHARED_BLKS_DIRTIED, 30)
                .with(Counter.SHARED_BLKS_WRITTEN, 40)
                .with(Counter.LOCAL_BLKS_HIT, 5)
                .with(Counter.LOCAL_BLKS_READ, 6)
                .with(Counter.TEMP_BLKS_READ, 7)
                .with(Counter.TEMP_BLKS_WRITTEN, 8)
                .with(Counter.IO_READ_MS, 1.5)
                .with(Counter.IO_WRITE_MS, 2.5)
                .with(Counter.PLANS, 12)
                .with(Counter.PLAN_MS, 3.5)
                .with(Counter.WAL_RECORDS, 90)
                .with(Counter.WAL_FPI, 9)
                .with(Counter.WAL_BYTES, 9000)
                .with(Counter.JIT_MS, 4.0), 10, 2, 0.25, 0.5, null, OptionalDouble.empty());
    Counters after = AFTER;
    StatementInterval i =
        single(StatementDiff.between(snap(T0, Map.of(A, before)), snap(T1, Map.of(A, after))));

    assertThat(i.key()).isEqualTo(A);
    assertThat(i.start()).isEqualTo(T0);
    assertThat(i.end()).isEqualTo(T1);
    assertThat(i.calls()).isEqualTo(15);
    assertThat(i.execMs()).isEqualTo(300.0);
    assertThat(i.counters().doubleValue(Counter.EXEC_SUMSQ_MS)).isEqualTo(25 * (9.0 + 256.0) - 10 * (4.0 + 100.0));
    assertThat(i.counters().longValue(Counter.ROWS)).isEqualTo(30);
    assertThat(i.counters().longValue(Counter.SHARED_BLKS_HIT)).isEqualTo(900);
    assertThat(i.counters().longValue(Counter.SHARED_BLKS_READ)).isEqualTo(60);
    assertThat(i.counters().longValue(Counter.SHARED_BLKS_DIRTIED)).isEqualTo(5);
    assertThat(i.counters().longValue(Counter.SHARED_BLKS_WRITTEN)).isEqualTo(1);
    assertThat(i.counters().longValue(Counter.LOCAL_BLKS_HIT)).isEqualTo(10);
    assertThat(i.counters().longValue(Counter.LOCAL_BLKS_READ)).isEqualTo(10);
    assertThat(i.counters().longValue(Counter.TEMP_BLKS_READ)).isEqualTo(10);
    assertThat(i.counters().longValue(Counter.TEMP_BLKS_WRITTEN)).isEqualTo(20);
    assertThat(i.counters().doubleValue(Counter.IO_READ_MS)).isEqualTo(1.5);
    assertThat(i.counters().doubleValue(Counter.IO_WRITE_MS)).isEqualTo(2.5);
    assertThat(i.counters().doubleValue(Counter.TEMP_IO_MS)).isEqualTo(1.25);
    assertThat(i.counters().longValue(Counter.PLANS)).isEqualTo(18);
    assertThat(i.counters().doubleValue(Counter.PLAN_MS)).isEqualTo(6.0);
    assertThat(i.counters().longValue(Counter.WAL_RECORDS)).isEqualTo(100);
    assertThat(i.counters().longValue(Counter.WAL_FPI)).isEqualTo(1);
    assertThat(i.counters().longValue(Counter.WAL_BYTES)).isEqualTo(10000);
    assertThat(i.counters().doubleValue(Counter.JIT_MS)).isEqualTo(0.5);
  }

  @Test
  void aNewEntryIsWrittenWithAllItsCounters() {
    Counters after = AFTER;
    StatementInterval i = single(StatementDiff.between(snap(T0, Map.of()), snap(T1, Map.of(A, after))));

    assertThat(i)
        .isEqualTo(
            new StatementInterval(A, T0, T1, AFTER.values(), OptionalDouble.empty()));
    // Derived as the reading has them: temp IO is read + write time, the sum of squares from mean and stddev.
    assertThat(i.counters().doubleValue(Counter.TEMP_IO_MS)).isEqualTo(2.0);
    assertThat(i.counters().execSumSquaresMs()).isEqualTo(25 * (3.0 * 3.0 + 16.0 * 16.0));
  }

  /** The counters pg_stat_statements has (mean and stddev are not cumulative and may go either way). */
  static Stream<String> cumulativeFields() {
    return Stream.concat(
        Arrays.stream(Counter.values()).filter(c -> c.pgssColumn() != null).map(Counter::name),
        Stream.of("TEMP_BLK_READ_TIME", "TEMP_BLK_WRITE_TIME"));
  }

  @ParameterizedTest(name = "{0} went down")
  @MethodSource("cumulativeFields")
  void anyCounterGoingDownMeansReCreatedAndNeverANegativeDelta(String field) {
    Counters before = reading(100, null);
    Counters after = reading(150, field);
    Map<StatementKey, Counters> idle = Map.of(B, c(5, 5), C, c(1, 1));
    Snapshot previous = snap(T0, with(idle, A, before));
    Snapshot next = snap(T1, with(idle, A, after));

    DiffResult result = StatementDiff.between(previous, next);

    StatementInterval i = single(result);
    assertThat(result.recreatedEntries()).as(field).isEqualTo(1);
    assertThat(i.calls()).isEqualTo(after.calls());
    assertThat(i.execMs()).isEqualTo(after.totalExecMs());
    assertNoNegativeField(i);
  }

  // ---- refused inputs ----

  @Test
  void snapshotsOfDifferentTargetsAreRefused() {
    Snapshot other = new Snapshot("pg-2", T1, Optional.empty(), OptionalLong.empty(), Map.of());
    assertThatThrownBy(() -> StatementDiff.between(snap(T0, Map.of()), other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pg-1")
        .hasMessageContaining("pg-2");
  }

  @Test
  void aNextSnapshotTakenBeforeThePreviousOneIsRefused() {
    assertThatThrownBy(() -> StatementDiff.between(snap(T1, Map.of()), snap(T0, Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before");
  }

  @Test
  void aSumOfSquaresThatOverflowsIsABadValue() {
    Counters huge = new Counters(CounterValues.ZERO.with(Counter.CALLS, 10)
            .with(Counter.EXEC_MS, 1e300), 1e200, 1e200, 0, 0, null, OptionalDouble.empty());
    DiffResult result = StatementDiff.between(snap(T0, Map.of()), snap(T1, Map.of(A, huge)));
    assertThat(result.badValues()).isEqualTo(1);
    assertThat(result.intervals()).isEmpty();
  }

  // ---- scale ----

  @Test
  void tenThousandIdleEntriesWriteNothingAndAFewBusyOnesWriteOneEach() {
    Map<StatementKey, Counters> before = new HashMap<>();
    Map<StatementKey, Counters> after = new HashMap<>();
    for (int q = 0; q < 10_000; q++) {
      StatementKey key = new StatementKey(TARGET, 16384 + q % 50, 10, q, true);
      before.put(key, c(1000 + q, 1000.0 + q));
      after.put(key, q % 1000 == 0 ? c(1001 + q, 1003.0 + q) : c(1000 + q, 1000.0 + q));
    }
    DiffResult result = StatementDiff.between(snap(T0, before), snap(T1, after));
    assertThat(result.intervals()).hasSize(10).allSatisfy(i -> assertThat(i.calls()).isEqualTo(1));
    assertThat(result.newKeys()).isEmpty();
    assertThat(result.reset()).isFalse();
  }

  // ---- helpers ----

  static Counters c(long calls, double execMs) {
    return c(calls, execMs, null);
  }

  /** Counters where every call took the same time (stddev 0); everything but calls and time is 0. */
  static Counters c(long calls, double execMs, Instant statsSince) {
    double mean = calls == 0 ? 0 : execMs / calls;
    return new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs), mean, 0, 0, 0, statsSince, OptionalDouble.empty());
  }

  /**
   * Every counter pg_stat_statements has at {@code v}, but the one named {@code lowered} at 40; 1 ms per call with no
   * spread (consistent with any calls and time).
   */
  static Counters reading(double v, String lowered) {
    var values = CounterValues.ZERO;
    for (Counter c : Counter.values()) {
      if (c.pgssColumn() != null) {
        double x = c.name().equals(lowered) ? 40 : v;
        values = c.kind() == Counter.Kind.LONG ? values.with(c, (long) x) : values.with(c, x);
      }
    }
    double tempRead = "TEMP_BLK_READ_TIME".equals(lowered) ? 40 : v;
    double tempWrite = "TEMP_BLK_WRITE_TIME".equals(lowered) ? 40 : v;
    return new Counters(values, 1, 0, tempRead, tempWrite, null, OptionalDouble.empty());
  }

  /** Expected interval between counters made by {@link #c}: only calls, time and sum of squares move. */
  static StatementInterval iv(StatementKey key, Counters before, Counters after) {
    return new StatementInterval(key, T0, T1, CounterValues.ZERO.with(Counter.CALLS, after.calls() - before.calls())
            .with(Counter.EXEC_MS, after.totalExecMs() - before.totalExecMs())
            .with(Counter.EXEC_SUMSQ_MS, after.sumSquaresExecMs() - before.sumSquaresExecMs()), OptionalDouble.empty());
  }

  static DiffResult result(List<StatementInterval> intervals, boolean reset, int newEntries, int vanished,
      int recreated, long deallocated, int bad, Set<StatementKey> newKeys) {
    return new DiffResult(intervals, reset, newEntries, vanished, recreated, deallocated, bad, newKeys);
  }

  static Snapshot snap(Instant at, Map<StatementKey, Counters> entries) {
    return new Snapshot(TARGET, at, Optional.empty(), OptionalLong.empty(), entries);
  }

  static Snapshot info(Instant at, Instant statsReset, long dealloc, Map<StatementKey, Counters> entries) {
    return new Snapshot(TARGET, at, Optional.of(statsReset), OptionalLong.of(dealloc), entries);
  }

  static Map<StatementKey, Counters> with(Map<StatementKey, Counters> base, StatementKey key, Counters c) {
    Map<StatementKey, Counters> m = new HashMap<>(base);
    m.put(key, c);
    return m;
  }

  static StatementInterval single(DiffResult result) {
    assertThat(result.intervals()).hasSize(1);
    return result.intervals().get(0);
  }

  static int closeEnough(Double a, Double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b))) ? 0 : Double.compare(a, b);
  }

  static void assertNoNegativeField(StatementInterval interval) {
    List<String> negative = new ArrayList<>();
    for (Counter c : Counter.values()) {
      double v = c.kind() == Counter.Kind.LONG
          ? interval.counters().longValue(c) : interval.counters().doubleValue(c);
      if (v < 0) {
        negative.add(c + "=" + v);
      }
    }
    assertThat(negative).as("negative fields of %s", interval).isEmpty();
  }
}
