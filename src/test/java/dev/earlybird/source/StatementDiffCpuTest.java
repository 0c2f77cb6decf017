package dev.earlybird.source;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static dev.earlybird.source.StatementDiffTest.A;
import static dev.earlybird.source.StatementDiffTest.B;
import static dev.earlybird.source.StatementDiffTest.C;
import static dev.earlybird.source.StatementDiffTest.T0;
import static dev.earlybird.source.StatementDiffTest.T1;
import static dev.earlybird.source.StatementDiffTest.snap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counters;
import dev.earlybird.model.StatementKey;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** pg_stat_kcache's CPU time through the diff: its own rules ({@link CpuDiff}), never the interval's fate. */
class StatementDiffCpuTest {
  private static final OptionalDouble UNKNOWN = OptionalDouble.empty();

  /**
   * One statement (A) between two reads. Two idle statements keep A's re-creation from looking like a reset of
   * everything, which does not matter to the CPU rules but keeps the cases honest.
   *
   * @param before A's counters in the previous snapshot; null: A is new
   * @param calls A's calls in the emitted interval (the interval is always emitted)
   */
  record Case(String name, Counters before, Counters after, long calls, OptionalDouble cpuMs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> rules() {
    return Stream.of(
        new Case("absent: unknown, not 0", c(10, 100, null), c(15, 160, null), 5, UNKNOWN),
        new Case("grew: the difference", c(10, 100, 80.0), c(15, 160, 125.0), 5, cpu(45)),
        new Case("did not move while calls grew: 0 is known", c(10, 100, 80.0), c(11, 101, 80.0), 1, cpu(0)),
        new Case(
            "kcache reset while pg_stat_statements was not: interval kept, CPU dropped",
            c(10, 100, 80.0), c(15, 160, 3.0), 5, UNKNOWN),
        new Case(
            "kcache gone between the reads (extension dropped, entry evicted): unknown",
            c(10, 100, 80.0), c(15, 160, null), 5, UNKNOWN),
        new Case(
            "kcache appeared for an entry seen without it: its counter may predate the interval, unknown",
            c(10, 100, null), c(15, 160, 150.0), 5, UNKNOWN),
        new Case(
            "pg_stat_statements re-created the entry, kcache kept counting: kcache's own difference",
            c(100, 1000, 800.0), c(4, 40, 830.0), 4, cpu(30)),
        new Case(
            "both re-created (counters down on both sides): unknown",
            c(100, 1000, 800.0), c(4, 40, 30.0), 4, UNKNOWN),
        new Case("new entry: all of its CPU time", null, c(3, 30, 24.0), 3, cpu(24)),
        new Case(
            "new entry, CPU a little above execution time (kcache times executor start to end): kept",
            null, c(3, 0.4, 1.2), 3, cpu(1.2)),
        new Case(
            "new entry whose kcache counter is far above its execution time: an older kcache entry, unknown",
            null, c(3, 30, 5000.0), 3, UNKNOWN),
        new Case("new entry without kcache: unknown", null, c(3, 30, null), 3, UNKNOWN),
        new Case(
            "NaN from the server: unknown, the interval is kept", c(10, 100, 80.0), c(15, 160, Double.NaN), 5, UNKNOWN),
        new Case("negative from the server: unknown", c(10, 100, 80.0), c(15, 160, -1.0), 5, UNKNOWN),
        new Case("infinite before: unknown", c(10, 100, Double.POSITIVE_INFINITY), c(15, 160, 90.0), 5, UNKNOWN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void cpu(Case rule) {
    Map<StatementKey, Counters> previous = new HashMap<>(Map.of(B, c(5, 5, 1.0), C, c(1, 1, null)));
    Map<StatementKey, Counters> next = new HashMap<>(previous);
    if (rule.before() != null) {
      previous.put(A, rule.before());
    }
    next.put(A, rule.after());

    DiffResult result = StatementDiff.between(snap(T0, previous), snap(T1, next));

    assertThat(result.badValues()).as("a CPU figure never makes an entry bad").isZero();
    assertThat(result.intervals()).singleElement().satisfies(i -> {
      assertThat(i.key()).isEqualTo(A);
      assertThat(i.calls()).as("the interval itself is kept").isEqualTo(rule.calls());
      assertThat(i.cpuMs()).isEqualTo(rule.cpuMs());
    });
  }

  private static OptionalDouble cpu(double ms) {
    return OptionalDouble.of(ms);
  }

  /** Counters with calls, execution time and a kcache CPU time (null: none); every call took the same time. */
  private static Counters c(long calls, double execMs, Double cpuMs) {
    Counters base = StatementDiffTest.c(calls, execMs);
    return new Counters(base.values(), base.meanExecMs(), 0, 0, 0, null,
        cpuMs == null ? OptionalDouble.empty() : OptionalDouble.of(cpuMs));
  }
}
