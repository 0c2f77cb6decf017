package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.HotConfig;
import dev.earlybird.config.OutlierConfig;
import dev.earlybird.config.RegressionConfig;
import dev.earlybird.history.StatementComparison;
import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The regression gate, one condition at a time, on sums as the store returns them (1 h window). */
class DetectorTest {
  static final Period HOUR = new Period(Instant.parse("2026-11-20T06:00:00Z"), Instant.parse("2026-11-20T07:00:00Z"));
  final Detector detector = new Detector(new AnalysisConfig(new HotConfig(25, 0), BaselineConfig.defaults(),
      new RegressionConfig(Duration.ofHours(1), 50, 1.5, 0.01, Duration.ofSeconds(30), 2, 2), OutlierConfig.defaults()));

  static final Detector.Names NAMES = new Detector.Names() {
    public String database(String target, long dbId) {
      return "tenant_a";
    }

    public String tenant(String target, long dbId) {
      return "a";
    }

    public boolean warmingUp(String target) {
      return target.equals("restarted");
    }
  };

  /** Sums for {@code calls} calls with the given per-call mean and standard deviation. */
  static Usage usage(long calls, double mean, double sd) {
    double sum = calls * mean, sumsq = calls * (sd * sd + mean * mean);
    return new Usage(1, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, sum)
            .with(Counter.EXEC_SUMSQ_MS, sumsq), 0, 0, 0);
  }

  List<dev.earlybird.analysis.Observation> regressions(Usage window, Usage baseline) {
    var row = new StatementComparison("pg", 1, 42, "fam", window, baseline, window.execMs(), 99, 1e9);
    return detector.detect(HOUR, List.of(new Detector.Compared(row, "seasonal", true)), List.of(), NAMES, Map.of())
        .holds().stream().filter(o -> o.kind() == FindingKind.REGRESSION).toList();
  }

  @Test
  void slowerPerCallSignificantlyAndWithImpactIsARegression() {
    var found = regressions(usage(2000, 30, 10), usage(5000, 10, 5));
    assertThat(found).singleElement().satisfies(o -> {
      var e = (Evidence.Regression) o.evidence();
      assertThat(e.ratio()).isEqualTo(3.0);
      assertThat(e.extraSecondsPerHour()).isEqualTo(40.0); // 2000 calls x 20 ms more, in one hour
      assertThat(o.severity()).isEqualTo(Severity.INFO);
      assertThat(o.summary()).contains("3.0x slower", "seasonal", "p < 0.001");
    });
  }

  @Test
  void moreCallsAtTheSameCostPerCallIsNot() {
    assertThat(regressions(usage(20000, 10.1, 5), usage(5000, 10, 5))).isEmpty();
  }

  @Test
  void aRatioBelowTheMinimumIsNot() {
    assertThat(regressions(usage(50000, 14, 1), usage(50000, 10, 1))).isEmpty();
  }

  @Test
  void aCheapStatementBelowTheImpactFloorIsNot() {
    // 3x slower, but 100 calls x 0.2 ms extra = 20 ms per hour.
    assertThat(regressions(usage(100, 0.3, 0.01), usage(500, 0.1, 0.01))).isEmpty();
  }

  @Test
  void aNoisyStatementWhoseRiseIsWithinItsSpreadIsNot() {
    // Mean doubles, but per-call stddev is 20x the mean and there are few calls.
    assertThat(regressions(usage(60, 1000, 20000), usage(60, 500, 10000))).isEmpty();
  }

  @Test
  void severityGrowsWithTheExtraTimePerHour() {
    assertThat(regressions(usage(100_000, 20, 5), usage(100_000, 10, 5)).get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(regressions(usage(10_000, 20, 5), usage(10_000, 10, 5)).get(0).severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void anOpenRegressionIsJudgedAgainstTheBaselineItWasFoundAgainst() {
    var row = new StatementComparison("pg", 1, 42, "fam", usage(2000, 30, 10), usage(5000, 29, 10), 60000, 1, 60000);
    // The current baseline (29 ms) has absorbed the regression; the finding's own baseline (10 ms) has not.
    var kept = new Evidence.Regression("rolling", 10, 30, 5000, 2000, 25, 3, 0, 40, "exec_time");
    String fp = Fingerprints.of(FindingKind.REGRESSION, "pg", 1, 42);
    var holds = detector.detect(HOUR, List.of(new Detector.Compared(row, "rolling", true)), List.of(), NAMES,
        Map.of(fp, kept)).holds();
    assertThat(holds).anySatisfy(o -> assertThat(o.kind()).isEqualTo(FindingKind.REGRESSION));
  }

  @Test
  void aTargetWhoseServerJustRestartedIsNotJudgedWhileItsCachesAreCold() {
    var row = new StatementComparison("restarted", 1, 42, "fam", usage(2000, 30, 10), usage(5000, 10, 5), 60000, 1, 60000);
    var d = detector.detect(HOUR, List.of(new Detector.Compared(row, "rolling", true)), List.of(), NAMES, Map.of());
    assertThat(d.holds()).noneMatch(o -> o.kind() == FindingKind.REGRESSION);
    assertThat(d.unknown()).contains(Fingerprints.of(FindingKind.REGRESSION, "restarted", 1, 42));
  }
}
