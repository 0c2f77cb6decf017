package dev.earlybird.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CounterValuesTest {

  /** Every counter at {@code base + its ordinal}, so that a mixed-up counter shows. */
  static CounterValues each(double base) {
    var v = CounterValues.ZERO;
    for (Counter c : Counter.values()) {
      v = c.kind() == Counter.Kind.LONG ? v.with(c, (long) base + c.ordinal()) : v.with(c, base + c.ordinal() + 0.5);
    }
    return v;
  }

  static double value(CounterValues v, Counter c) {
    return c.kind() == Counter.Kind.LONG ? v.longValue(c) : v.doubleValue(c);
  }

  @Test
  void minusIsTheDifferenceOfEveryCounterAndPlusUndoesIt() {
    CounterValues before = each(100);
    CounterValues after = each(1000).with(Counter.EXEC_MS, 5000.25);
    CounterValues interval = after.minus(before);
    for (Counter c : Counter.values()) {
      assertThat(value(interval, c)).as(c.name()).isEqualTo(value(after, c) - value(before, c));
    }
    assertThat(before.plus(interval)).isEqualTo(after);
    assertThat(CounterValues.ZERO.plus(before)).isEqualTo(before);
  }

  @Test
  void aSumOfSquaresThatDipsByRoundingIsNoVarianceNotANegativeOne() {
    CounterValues before = CounterValues.ZERO.with(Counter.CALLS, 10).with(Counter.EXEC_SUMSQ_MS, 1000.0000001);
    CounterValues after = CounterValues.ZERO.with(Counter.CALLS, 11).with(Counter.EXEC_SUMSQ_MS, 1000.0);
    assertThat(after.minus(before).execSumSquaresMs()).isZero();
    // It is not a sign of re-creation either: only counters that never go down are.
    assertThat(after.anyBelow(before)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Counter.class, mode = EnumSource.Mode.EXCLUDE, names = "EXEC_SUMSQ_MS")
  void anyMonotonicCounterGoingDownIsSeen(Counter c) {
    CounterValues before = each(100);
    CounterValues after = c.kind() == Counter.Kind.LONG ? each(200).with(c, 1L) : each(200).with(c, 1.0);
    assertThat(c.monotonic()).isTrue();
    assertThat(after.anyBelow(before)).isTrue();
    assertThat(each(200).anyBelow(before)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.001})
  void aNaNInfiniteOrNegativeTimeIsInsane(double bad) {
    for (Counter c : Counter.values()) {
      if (c.kind() == Counter.Kind.DOUBLE) {
        assertThat(each(1).with(c, bad).isSane()).as(c.name()).isFalse();
      }
    }
    assertThat(each(1).isSane()).isTrue();
    assertThat(CounterValues.ZERO.isSane()).isTrue();
  }

  @Test
  void aNegativeCountIsInsane() {
    for (Counter c : Counter.values()) {
      if (c.kind() == Counter.Kind.LONG) {
        assertThat(each(1).with(c, -1L).isSane()).as(c.name()).isFalse();
        assertThat(each(1).with(c, Long.MIN_VALUE).isSane()).as(c.name()).isFalse();
      }
    }
  }

  @Test
  void aTimeIsNeverSetAsACountButACountMayBeGivenForATime() {
    assertThatThrownBy(() -> CounterValues.ZERO.with(Counter.CALLS, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CALLS");
    assertThat(CounterValues.ZERO.with(Counter.EXEC_MS, 3).execMs()).isEqualTo(3.0);
    assertThatThrownBy(() -> CounterValues.ZERO.doubleValue(Counter.ROWS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalValuesAreEqualBitForBitAsARecordsAre() {
    assertThat(each(5)).isEqualTo(each(5)).hasSameHashCodeAs(each(5));
    assertThat(each(5).with(Counter.JIT_MS, 0.0)).isNotEqualTo(each(5).with(Counter.JIT_MS, -0.0));
    assertThat(each(5).toString()).contains("calls=5,", "jit_ms=").doesNotContain("calls=5.0");
  }

  @Test
  void aReadingDerivesTheSumOfSquaresAndTheTempIoTimeFromWhatPgStatStatementsHas() {
    var r = new Counters(CounterValues.ZERO.with(Counter.CALLS, 4).with(Counter.EXEC_SUMSQ_MS, 99.0), 3, 2, 0.25, 0.5,
        null, OptionalDouble.empty());
    assertThat(r.sumSquaresExecMs()).isEqualTo(4 * (2 * 2 + 3 * 3));
    assertThat(r.values().doubleValue(Counter.TEMP_IO_MS)).isEqualTo(0.75);
    var later = new Counters(CounterValues.ZERO.with(Counter.CALLS, 5), 3, 2, 1.25, 0.75, null, OptionalDouble.empty());
    assertThat(later.minus(r).doubleValue(Counter.TEMP_IO_MS)).isEqualTo((1.25 - 0.25) + (0.75 - 0.5));
    // A temp time going down is a re-creation even though their sum did not.
    var swapped = new Counters(CounterValues.ZERO.with(Counter.CALLS, 5), 3, 2, 0.2, 5, null, OptionalDouble.empty());
    assertThat(swapped.anyBelow(r)).isTrue();
    assertThat(new Counters(CounterValues.ZERO, Double.NaN, 0, 0, 0, null, OptionalDouble.empty()).isSane()).isFalse();
    assertThat(new Counters(CounterValues.ZERO, 0, 0, -1, 0, null, OptionalDouble.empty()).isSane()).isFalse();
  }

  @Test
  void theDescriptionHasTheCountsFirstAndNamesEveryColumnOnce() {
    boolean seenDouble = false;
    var columns = new java.util.HashSet<String>();
    for (Counter c : Counter.values()) {
      seenDouble |= c.kind() == Counter.Kind.DOUBLE;
      assertThat(c.kind() == Counter.Kind.LONG && seenDouble).as("%s after a double", c).isFalse();
      assertThat(columns.add(c.column())).as(c.column()).isTrue();
      // Only the derived ones lack a source column, and they lack both.
      assertThat(c.pgssColumn() == null).isEqualTo(c.snapshotColumn() == null);
    }
  }
}
