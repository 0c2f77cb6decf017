package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.history.Usage;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Each advice rule on numbers where it must fire and where it must not. */
class AdviceRulesTest {
  final AdviceRules rules = new AdviceRules(Duration.ofSeconds(30));
  static final double HOUR = 1;

  /** A window's usage: the counters each rule reads; the rest zero. */
  static Usage usage(long calls, long rows, double execMs, long hit, long read, long tempWritten, long plans,
      double planMs, double jitMs, double ioReadMs, long ioTimed) {
    return new Usage(1, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.ROWS, rows)
            .with(Counter.SHARED_BLKS_HIT, hit)
            .with(Counter.SHARED_BLKS_READ, read)
            .with(Counter.TEMP_BLKS_WRITTEN, tempWritten)
            .with(Counter.PLANS, plans)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.IO_READ_MS, ioReadMs)
            .with(Counter.PLAN_MS, planMs)
            .with(Counter.JIT_MS, jitMs), execMs, 1, ioTimed, OptionalDouble.empty());
  }

  @Test
  void aSortThatSpillsMegabytesPerCallGetsANarrowWorkMem() {
    // 100 calls, each writing 3 MB (384 blocks) of temp, 90 s of execution in the hour.
    var a = rules.tempSpill(usage(100, 100, 90_000, 0, 0, 38_400, 0, 0, 0, 0, 0), HOUR);
    assertThat(a).hasValueSatisfying(e -> {
      assertThat(e.rule()).isEqualTo("temp_spill");
      assertThat(e.numbers()).containsEntry("tempMbPerCall", 3.0).containsEntry("suggestedWorkMemMb", 8.0);
      assertThat(e.advice()).contains("SET LOCAL work_mem = '8MB'", "ALTER ROLE", "not server-wide");
    });
    // Small spills, or a statement whose time does not matter, get nothing.
    assertThat(rules.tempSpill(usage(100, 100, 90_000, 0, 0, 6_400, 0, 0, 0, 0, 0), HOUR)).isEmpty();
    assertThat(rules.tempSpill(usage(100, 100, 9_000, 0, 0, 38_400, 0, 0, 0, 0, 0), HOUR)).isEmpty();
    assertThat(AdviceRules.workMemFor(0.5)).isEqualTo(4);
    assertThat(AdviceRules.workMemFor(20)).isEqualTo(64);
  }

  @Test
  void planningThatTakesLongerThanExecutingIsAdvised() {
    var a = rules.planningTime(usage(10_000, 10_000, 20_000, 0, 0, 0, 10_000, 60_000, 0, 0, 0), HOUR);
    assertThat(a).hasValueSatisfying(e -> {
      assertThat(e.numbers()).containsEntry("planMsPerPlan", 6.0).containsEntry("execMsPerCall", 2.0);
      assertThat(e.advice()).contains("prepare it once");
    });
    assertThat(rules.planningTime(usage(10_000, 10_000, 60_000, 0, 0, 0, 10_000, 20_000, 0, 0, 0), HOUR)).isEmpty();
    // An unprepared OLTP lookup plans in a fraction of a millisecond: longer than it runs, but not worth advice.
    assertThat(rules.planningTime(usage(100_000, 100_000, 2_000, 0, 0, 0, 100_000, 6_000, 0, 0, 0), HOUR)).isEmpty();
    // Without track_planning there are no plans to judge.
    assertThat(rules.planningTime(usage(10_000, 10_000, 20_000, 0, 0, 0, 0, 0, 0, 0, 0), HOUR)).isEmpty();
  }

  @Test
  void jitThatIsHalfTheTimeIsAdvised() {
    assertThat(rules.jit(usage(100, 100, 100_000, 0, 0, 0, 0, 0, 60_000, 0, 0), HOUR))
        .hasValueSatisfying(e -> assertThat(e.numbers()).containsEntry("jitSharePct", 60.0));
    assertThat(rules.jit(usage(100, 100, 100_000, 0, 0, 0, 0, 0, 20_000, 0, 0), HOUR)).isEmpty();
  }

  @Test
  void aStatementWaitingForDiskReadsIsIoBound() {
    assertThat(rules.lowHitRatio(usage(100, 100, 100_000, 50_000, 50_000, 0, 0, 0, 0, 70_000, 1), HOUR))
        .hasValueSatisfying(e -> {
          assertThat(e.numbers()).containsEntry("hitRatioPct", 50.0).containsEntry("ioReadSharePct", 70.0);
          assertThat(e.advice()).contains("IO-bound, not CPU-bound");
        });
    // Misses, but the time goes elsewhere (CPU): not IO-bound.
    assertThat(rules.lowHitRatio(usage(100, 100, 100_000, 50_000, 50_000, 0, 0, 0, 0, 10_000, 1), HOUR)).isEmpty();
    // A good hit ratio.
    assertThat(rules.lowHitRatio(usage(100, 100, 100_000, 990_000, 10_000, 0, 0, 0, 0, 70_000, 1), HOUR)).isEmpty();
  }

  @Test
  void manyTinyOneRowCallsAreAnNPlusOne() {
    // 60,000 calls in a minute of one row each at 0.05 ms: 3 s per minute, 180 s per hour.
    Duration minute = Duration.ofMinutes(1);
    assertThat(rules.nPlusOne(usage(60_000, 60_000, 3_000, 0, 0, 0, 0, 0, 0, 0, 0), minute))
        .hasValueSatisfying(e -> assertThat(e.numbers()).containsEntry("callsPerMinute", 60_000.0)
            .containsEntry("rowsPerCall", 1.0));
    // Many rows per call, slow calls, or few calls: not N+1.
    assertThat(rules.nPlusOne(usage(60_000, 600_000, 3_000, 0, 0, 0, 0, 0, 0, 0, 0), minute)).isEmpty();
    assertThat(rules.nPlusOne(usage(60_000, 60_000, 300_000, 0, 0, 0, 0, 0, 0, 0, 0), minute)).isEmpty();
    assertThat(rules.nPlusOne(usage(100, 100, 3_000, 0, 0, 0, 0, 0, 0, 0, 0), minute)).isEmpty();
  }
}
