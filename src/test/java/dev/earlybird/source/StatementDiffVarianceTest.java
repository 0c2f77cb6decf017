package dev.earlybird.source;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-call variance of an interval is reconstructed from two (calls, mean, stddev) readings. These tests
 * run real sequences of per-call times through pg_stat_statements' own accumulation and check that the
 * interval's variance is the population variance of just the calls in between.
 */
class StatementDiffVarianceTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);
  static final StatementKey KEY = new StatementKey("pg-1", 16384, 10, 42, true);

  /**
   * What pg_stat_statements keeps per entry (pgss_store): total_time summed, mean and sum_var_time updated by
   * Welford's method, stddev = sqrt(sum_var_time / calls), the population stddev.
   */
  static final class PgssEntry {
    long calls;
    double total;
    double mean;
    double sumVar;

    void add(double t) {
      calls++;
      total += t;
      if (calls == 1) {
        mean = t;
        sumVar = 0;
      } else {
        double oldMean = mean;
        mean += (t - oldMean) / calls;
        sumVar += (t - oldMean) * (t - mean);
      }
    }

    Counters read() {
      double stddev = calls > 1 ? Math.sqrt(sumVar / calls) : 0;
      return new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
              .with(Counter.EXEC_MS, total), mean, stddev, 0, 0, null, OptionalDouble.empty());
    }
  }

  /** Per-call times: lognormal around {@code medianMs} with shape {@code sigma} (0 = constant). */
  record Workload(String name, long seed, int callsBefore, int callsBetween, double medianMs, double sigma) {
    @Override
    public String toString() {
      return name;
    }

    double[] times(int n, Random random) {
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = medianMs * Math.exp(sigma * random.nextGaussian());
      }
      return t;
    }
  }

  static Stream<Workload> workloads() {
    return Stream.of(
        new Workload("fast OLTP query, wide spread", 1, 5_000, 1_000, 0.2, 1.0),
        new Workload("slow report, few calls", 2, 40, 7, 2_500, 0.5),
        new Workload("old entry, short interval", 3, 200_000, 500, 1.5, 0.8),
        new Workload("narrow spread (cv 5%)", 4, 10_000, 2_000, 10, 0.05),
        new Workload("a regression: the interval is slower than history", 5, 20_000, 300, 3, 0.3),
        new Workload("two calls in the interval", 6, 1_000, 2, 5, 1.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("workloads")
  void intervalVarianceIsThePopulationVarianceOfTheCallsInTheInterval(Workload w) {
    Random random = new Random(w.seed());
    PgssEntry entry = new PgssEntry();
    for (double t : w.times(w.callsBefore(), random)) {
      entry.add(t);
    }
    Counters before = entry.read();
    double[] between = w.times(w.callsBetween(), random);
    if (w.name().startsWith("a regression")) {
      for (int i = 0; i < between.length; i++) {
        between[i] *= 4;
      }
    }
    for (double t : between) {
      entry.add(t);
    }
    Counters after = entry.read();

    StatementInterval interval =
        StatementDiff.between(snap(T0, before), snap(T1, after)).intervals().get(0);

    assertThat(interval.calls()).isEqualTo(w.callsBetween());
    assertThat(interval.meanExecMs()).isCloseTo(mean(between), within(1e-9 * mean(between)));
    double expected = populationVariance(between);
    assertThat(interval.execVarianceMs2()).isCloseTo(expected, within(1e-9 * expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("workloads")
  void aNewEntryCarriesTheVarianceOfAllItsCalls(Workload w) {
    Random random = new Random(w.seed());
    double[] all = w.times(w.callsBetween(), random);
    PgssEntry entry = new PgssEntry();
    for (double t : all) {
      entry.add(t);
    }

    StatementInterval interval =
        StatementDiff.between(snap(T0, null), snap(T1, entry.read())).intervals().get(0);

    double expected = populationVariance(all);
    assertThat(interval.execVarianceMs2()).isCloseTo(expected, within(1e-9 * expected));
  }

  @Test
  void constantTimesAfterALongHistoryGiveAVarianceOfZeroNeverNegative() {
    PgssEntry entry = new PgssEntry();
    for (int i = 0; i < 1_000_000; i++) {
      entry.add(0.1);
    }
    Counters before = entry.read();
    for (int i = 0; i < 3; i++) {
      entry.add(0.1);
    }

    StatementInterval interval = StatementDiff.between(snap(T0, before), snap(T1, entry.read())).intervals().get(0);

    assertThat(interval.counters().execSumSquaresMs()).isGreaterThanOrEqualTo(0);
    assertThat(interval.execVarianceMs2()).isGreaterThanOrEqualTo(0).isLessThan(1e-6);
  }

  @Test
  void aSumOfSquaresDifferenceBelowZeroIsClampedToZero() {
    // 10 calls of 1 ms, then one call of 0 ms read with a stddev rounded down to 0: the reconstructed sum of
    // squares drops from 10 to 9.09. Rounding does this in small amounts; it must never become negative.
    Counters before =
        new Counters(CounterValues.ZERO.with(Counter.CALLS, 10)
                .with(Counter.EXEC_MS, 10), 1, 0, 0, 0, null, OptionalDouble.empty());
    Counters after =
        new Counters(CounterValues.ZERO.with(Counter.CALLS, 11)
                .with(Counter.EXEC_MS, 10), 10.0 / 11, 0, 0, 0, null, OptionalDouble.empty());

    StatementInterval interval = StatementDiff.between(snap(T0, before), snap(T1, after)).intervals().get(0);

    assertThat(interval.calls()).isEqualTo(1);
    assertThat(interval.counters().execSumSquaresMs()).isZero();
    assertThat(interval.execVarianceMs2()).isZero();
  }

  static Snapshot snap(Instant at, Counters c) {
    Map<StatementKey, Counters> entries = c == null ? Map.of() : Map.of(KEY, c);
    return new Snapshot("pg-1", at, Optional.empty(), OptionalLong.empty(), entries);
  }

  static double mean(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    return sum / x.length;
  }

  /** Two-pass, the numerically careful way: the reference the reconstruction is held to. */
  static double populationVariance(double[] x) {
    double m = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return ss / x.length;
  }
}
