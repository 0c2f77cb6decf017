package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HotBaselineTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  static final Period DAY = new Period(NOW.minus(Duration.ofDays(1)), NOW);
  static final BaselineConfig ROLLING = new BaselineConfig(BaselineMode.ROLLING, Duration.ofDays(28));
  static final BaselineConfig SEASONAL = new BaselineConfig(BaselineMode.SEASONAL, Duration.ofDays(28));
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final Evidence.Regression FOUND =
      new Evidence.Regression("rolling", 2.0, 80.0, 500, 500, 0.04, 40, 1e-9, 30, "exec_time");

  @Test
  void anActiveRegressionKeepsTheBaselineItWasFoundAgainstWhateverTheWindow() {
    HotBaseline b = HotBaseline.of(ROLLING, DAY, NEW_YORK, Optional.of(NOW.minus(Duration.ofHours(3))), Optional.of(FOUND));
    assertThat(b).isEqualTo(new HotBaseline.Frozen(FOUND));
    assertThat(HotBaseline.frozenLabel(FOUND)).startsWith("rolling");
  }

  @Test
  void aWindowThatBeginsBeforeTheFirstPollHasNoBaselineAndSaysWhy() {
    Instant first = NOW.minus(Duration.ofHours(3));
    HotBaseline b = HotBaseline.of(ROLLING, DAY, NEW_YORK, Optional.of(first), Optional.empty());
    assertThat(b).isInstanceOfSatisfying(HotBaseline.Absent.class,
        a -> assertThat(a.why()).contains("not enough history").contains(first.toString()));
    assertThat(HotBaseline.of(ROLLING, DAY, NEW_YORK, Optional.empty(), Optional.empty()))
        .isInstanceOfSatisfying(HotBaseline.Absent.class, a -> assertThat(a.why()).contains("never polled"));
  }

  @Test
  void withEnoughHistoryItIsThePlanTheAnalysisMakesInTheTenantsZone() {
    Optional<Instant> first = Optional.of(NOW.minus(Duration.ofDays(60)));
    HotBaseline b = HotBaseline.of(SEASONAL, DAY, NEW_YORK, first, Optional.empty());
    assertThat(b).isEqualTo(new HotBaseline.Planned(BaselinePlan.of(SEASONAL, DAY, NEW_YORK, first)));
    assertThat(((HotBaseline.Planned) b).plan().label()).isEqualTo(BaselinePlan.SEASONAL);
  }

  @Test
  void aFewDaysOfHistoryAreEnoughForARollingBaselineButSeasonalFallsBackAsTheAnalysisDoes() {
    Optional<Instant> first = Optional.of(NOW.minus(Duration.ofDays(3)));
    assertThat(HotBaseline.of(ROLLING, DAY, NEW_YORK, first, Optional.empty())).isInstanceOf(HotBaseline.Planned.class);
    assertThat(HotBaseline.of(SEASONAL, DAY, NEW_YORK, first, Optional.empty()))
        .isInstanceOfSatisfying(HotBaseline.Planned.class,
            p -> assertThat(p.plan().label()).isEqualTo(BaselinePlan.SEASONAL_FALLBACK));
  }
}
