package dev.earlybird.source.postgres;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counters;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChangeRuleTest {
  private static final Instant BORN = Instant.parse("2026-12-01T08:00:00.123456Z");

  @Test
  void callsOrPlansMovingIsAChange() {
    Counters before = counters(5, 2, 10.5, 0.25, BORN, OptionalDouble.empty());
    assertThat(ChangeRule.unchanged(before, 5, 2, BORN, Double.NaN, Double.NaN, null)).isTrue();
    assertThat(ChangeRule.unchanged(before, 6, 2, BORN, Double.NaN, Double.NaN, null)).isFalse();
    // A planning without an execution (track_planning) adds plan time, buffers and WAL: calls stay.
    assertThat(ChangeRule.unchanged(before, 5, 3, BORN, Double.NaN, Double.NaN, null)).isFalse();
  }

  @Test
  void from17AnotherBirthIsAnotherLifeWhateverItsCalls() {
    Counters before = counters(1, 0, 10.5, 0, BORN, OptionalDouble.empty());
    // Evicted and run once again: calls 1 as before, but born later.
    assertThat(ChangeRule.unchanged(before, 1, 0, BORN.plusSeconds(30), Double.NaN, Double.NaN, null)).isFalse();
  }

  @Test
  void before17TheTimesTellLivesApart() {
    Counters before = counters(1, 0, 10.5, 0, null, OptionalDouble.empty());
    assertThat(ChangeRule.unchanged(before, 1, 0, null, 10.5, 0, null)).isTrue();
    assertThat(ChangeRule.unchanged(before, 1, 0, null, 9.75, 0, null)).isFalse();
    assertThat(ChangeRule.unchanged(before, 1, 0, null, 10.5, 0.5, null)).isFalse();
    // NaN is never equal to itself: such an entry is always read whole.
    Counters odd = counters(1, 0, Double.NaN, 0, null, OptionalDouble.empty());
    assertThat(ChangeRule.unchanged(odd, 1, 0, null, Double.NaN, 0, null)).isFalse();
  }

  @Test
  void pgStatKcacheResetOrEvictedAloneIsAChange() {
    Counters before = counters(5, 0, 10.5, 0, BORN, OptionalDouble.of(4.0));
    assertThat(ChangeRule.unchanged(before, 5, 0, BORN, Double.NaN, Double.NaN, OptionalDouble.of(4.0))).isTrue();
    assertThat(ChangeRule.unchanged(before, 5, 0, BORN, Double.NaN, Double.NaN, OptionalDouble.empty())).isFalse();
    assertThat(ChangeRule.unchanged(before, 5, 0, BORN, Double.NaN, Double.NaN, OptionalDouble.of(0.5))).isFalse();
    assertThat(ChangeRule.unchanged(counters(5, 0, 10.5, 0, BORN, OptionalDouble.empty()), 5, 0, BORN, Double.NaN,
        Double.NaN, OptionalDouble.of(0.5))).isFalse();
  }

  @Test
  void twoFullReadsCompareByTheSameRule() {
    Counters before = counters(5, 1, 10.5, 0.25, null, OptionalDouble.empty());
    assertThat(ChangeRule.unchanged(before, counters(5, 1, 10.5, 0.25, null, OptionalDouble.empty()))).isTrue();
    assertThat(ChangeRule.unchanged(before, counters(6, 1, 11.5, 0.25, null, OptionalDouble.empty()))).isFalse();
  }

  @Test
  void aFullResetReadsEveryEntryOnEveryVersion() {
    Optional<Instant> reset = Optional.of(BORN);
    Optional<Instant> later = Optional.of(BORN.plusSeconds(60));
    // The info view is reset with the entries: dealloc back to 0.
    assertThat(ChangeRule.readEveryEntry(reset, OptionalLong.of(7), later, OptionalLong.of(0), true)).isTrue();
    assertThat(ChangeRule.readEveryEntry(reset, OptionalLong.of(7), later, OptionalLong.of(0), false)).isTrue();
    assertThat(ChangeRule.readEveryEntry(reset, OptionalLong.of(7), reset, OptionalLong.of(7), false)).isFalse();
  }

  @Test
  void evictionsReadEveryEntryOnlyWhereTheProbeCannotTellLivesApart() {
    Optional<Instant> reset = Optional.of(BORN);
    // 14 to 16: the probe has only the times to tell an evicted and re-created entry from the old one.
    assertThat(ChangeRule.readEveryEntry(reset, OptionalLong.of(7), reset, OptionalLong.of(9), false)).isTrue();
    // 17+: stats_since is each life's birth, so the probe catches a re-created entry by itself.
    assertThat(ChangeRule.readEveryEntry(reset, OptionalLong.of(7), reset, OptionalLong.of(9), true)).isFalse();
    // 13 has no pg_stat_statements_info: nothing in the header to go by.
    assertThat(ChangeRule.readEveryEntry(Optional.empty(), OptionalLong.empty(), Optional.empty(),
        OptionalLong.empty(), false)).isFalse();
  }

  private static Counters counters(long calls, long plans, double execMs, double planMs, Instant since,
      OptionalDouble cpuMs) {
    return new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.ROWS, calls)
            .with(Counter.SHARED_BLKS_HIT, 3)
            .with(Counter.PLANS, plans)
            .with(Counter.PLAN_MS, planMs), calls == 0 ? 0 : execMs / calls, 0, 0, 0, since, cpuMs);
  }
}
