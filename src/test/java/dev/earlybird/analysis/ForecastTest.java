package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Period;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForecastTest {
  static final Period SPAN = new Period(Instant.parse("2026-12-07T12:00:00Z"), Instant.parse("2026-12-07T15:00:00Z"));

  /** Sums of {@code calls} calls of {@code execMs} execution time in all, {@code ioMs} of it block reads. */
  static Usage usage(long calls, double execMs, double ioMs, boolean ioTimed) {
    return new Usage(1, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.IO_READ_MS, ioMs), 0, 0, ioTimed ? 1 : 0);
  }

  static Usage usage(long calls, double execMs) {
    return usage(calls, execMs, 0, false);
  }

  static Evidence.Regression regression(double beforeMs, double afterMs) {
    return new Evidence.Regression("seasonal", beforeMs, afterMs, 100, 100, 1, afterMs / beforeMs, 0.001, 60,
        "exec_time");
  }

  @Test
  void expectedCallsAreTheMedianOfTheWeeksWithDataAndAnUnpolledWeekIsNotZeroCalls() {
    // Week 3 was not polled at all: left out, not a quiet week.
    assertThat(Forecast.expectedCalls(new long[] {100, 120, 0, 110}, new double[] {1, 1, 0, 1})).hasValue(110);
    // A holiday week does not drag the forecast down: the median of four is the mean of the middle two.
    assertThat(Forecast.expectedCalls(new long[] {100, 120, 10, 110}, new double[] {1, 1, 1, 1})).hasValue(105);
    // A week polled for one of three hours is scaled to the whole span.
    assertThat(Forecast.expectedCalls(new long[] {40}, new double[] {1.0 / 3})).hasValue(120);
    assertThat(Forecast.expectedCalls(new long[] {5, 7}, new double[] {0, 0})).isEmpty();
  }

  @Test
  void perCallIsTheUsualMorningCostScaledByHowTheCostNowComparesWithTheUsualCostAtThisHour() {
    // Usually 2 ms per call in the morning and 1 ms at night; tonight 3 ms: a 3x regression found overnight.
    Optional<Forecast.PerCall> p = Forecast.perCall(usage(1000, 2000), usage(100, 300), usage(400, 400), 50,
        Optional.empty());
    assertThat(p).get().satisfies(x -> {
      assertThat(x.cpuMs()).isCloseTo(6.0, within(1e-9));
      assertThat(x.source()).isEqualTo(CpuSource.EXEC_TIME);
    });
  }

  @Test
  void withoutAUsualCostAtThisHourTheLatestWindowsCostIsTaken() {
    assertThat(Forecast.perCall(usage(1000, 2000), usage(100, 300), null, 50, Optional.empty()))
        .get().extracting(Forecast.PerCall::cpuMs).isEqualTo(3.0);
    // Too few calls now to measure: the usual morning cost, raised by an open regression's ratio.
    assertThat(Forecast.perCall(usage(1000, 2000), usage(3, 30), usage(400, 400), 50, Optional.empty()))
        .get().extracting(Forecast.PerCall::cpuMs).isEqualTo(2.0);
    assertThat(Forecast.perCall(usage(1000, 2000), null, null, 50, Optional.of(regression(1, 2.5))))
        .get().extracting(Forecast.PerCall::cpuMs).isEqualTo(5.0);
    assertThat(Forecast.perCall(null, usage(3, 30), null, 50, Optional.empty())).isEmpty();
  }

  @Test
  void allSidesUseTheLeastDirectCpuLayerAnyOfThemHas() {
    // The morning weeks were polled with track_io_timing on, tonight it is off: both sides are execution time.
    Optional<Forecast.PerCall> p = Forecast.perCall(usage(1000, 2000, 1000, true), usage(100, 200), null, 50,
        Optional.empty());
    assertThat(p).get().extracting(Forecast.PerCall::source).isEqualTo(CpuSource.EXEC_TIME);
    Optional<Forecast.PerCall> timed = Forecast.perCall(usage(1000, 2000, 1000, true), null, null, 50,
        Optional.empty());
    assertThat(timed).get().satisfies(x -> {
      assertThat(x.source()).isEqualTo(CpuSource.EXEC_MINUS_IO);
      assertThat(x.cpuMs()).isEqualTo(1.0);
    });
  }

  @Test
  void theRatioIsCpuOverVcpusTimesTheSpanAndSaysWhatOpenRegressionsAdd() {
    List<Forecast.Part> parts = new ArrayList<>();
    // 3 h x 4 vCPUs = 43,200 CPU seconds of capacity.
    parts.add(Forecast.part(1, "tenant_a", "a", 11, 1_000_000, new Forecast.PerCall(20, CpuSource.EXEC_TIME),
        Optional.empty())); // 20,000 s
    parts.add(Forecast.part(2, "tenant_b", "b", -12, 100_000, new Forecast.PerCall(80, CpuSource.EXEC_TIME),
        Optional.of(regression(20, 80)))); // 8,000 s, of which 3/4 the regression's
    Evidence.Forecast f = Forecast.of(SPAN, 4, 0.5, parts, 4);
    assertThat(f.expectedCpuSeconds()).isCloseTo(28_000, within(1e-6));
    assertThat(f.cpuRatio()).isCloseTo(28_000 / 43_200.0, within(1e-9));
    assertThat(f.regressionCpuRatio()).isCloseTo(6_000 / 43_200.0, within(1e-9));
    assertThat(f.top()).extracting(Evidence.Contributor::queryId).containsExactly("11", "-12");
    assertThat(f.top().get(1).regressed()).isTrue();
    assertThat(f.weeks()).isEqualTo(4);
  }

  @Test
  void onlyTheTopContributorsAreKept() {
    List<Forecast.Part> parts = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      parts.add(Forecast.part(1, "d", "d", i, 100, new Forecast.PerCall(i, CpuSource.EXEC_TIME), Optional.empty()));
    }
    Evidence.Forecast f = Forecast.of(SPAN, 2, 0.8, parts, 1);
    assertThat(f.top()).hasSize(Forecast.TOP).first().extracting(Evidence.Contributor::queryId).isEqualTo("24");
    assertThat(f.expectedCpuSeconds()).isCloseTo(100 * 300 / 1000.0, within(1e-9)); // every part counts
  }
}
