package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.model.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BaselinePlanTest {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final BaselineConfig SEASONAL = new BaselineConfig(BaselineMode.SEASONAL, Duration.ofDays(28));

  @Test
  void rollingIsTheLookbackRightBeforeTheWindow() {
    Period w = new Period(Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:00:40Z"));
    BaselinePlan p = BaselinePlan.of(new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(3)), w, LONDON, Optional.empty());
    assertThat(p.label()).isEqualTo("rolling");
    assertThat(p.periods()).containsExactly(new Period(Instant.parse("2026-11-20T09:57:00Z"), w.from()));
  }

  @Test
  void seasonalTakesTheSameLocalHourOfTheSameWeekdayInEachPastWeek() {
    // Monday 2026-11-23 09:00-10:00 London = 09:00Z (GMT).
    Period w = new Period(Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T10:00:00Z"));
    BaselinePlan p = BaselinePlan.of(SEASONAL, w, LONDON, Optional.of(Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(p.label()).isEqualTo("seasonal");
    assertThat(p.periods()).hasSize(4);
    assertThat(p.periods().get(0).from()).isEqualTo(Instant.parse("2026-11-16T09:00:00Z"));
    // Four weeks back is Monday 2026-10-26, the day after the clocks went back: still GMT, still 09:00Z.
    assertThat(p.periods().get(3).from()).isEqualTo(Instant.parse("2026-10-26T09:00:00Z"));
  }

  @Test
  void acrossTheDstChangeTheSameLocalHourIsADifferentUtcHour() {
    // Monday 2026-11-02 09:00 London (GMT) = 09:00Z; one and two weeks back the UK was on BST (UTC+1):
    // 2026-10-26 is already GMT (clocks went back on 2026-10-25), 2026-10-19 09:00 BST = 08:00Z.
    Period w = new Period(Instant.parse("2026-11-02T09:00:00Z"), Instant.parse("2026-11-02T10:00:00Z"));
    BaselinePlan p = BaselinePlan.of(SEASONAL, w, LONDON, Optional.empty());
    assertThat(p.periods().get(0)).isEqualTo(new Period(Instant.parse("2026-10-26T09:00:00Z"), Instant.parse("2026-10-26T10:00:00Z")));
    assertThat(p.periods().get(1)).isEqualTo(new Period(Instant.parse("2026-10-19T08:00:00Z"), Instant.parse("2026-10-19T09:00:00Z")));
    // In New York the same UTC window is a different local hour, with its own history.
    BaselinePlan ny = BaselinePlan.of(SEASONAL, w, ZoneId.of("America/New_York"), Optional.empty());
    // 2026-11-02 04:00 EST; a week before, 2026-10-26 04:00 EDT = 08:00Z (US clocks change on 2026-11-01).
    assertThat(ny.periods().get(0).from()).isEqualTo(Instant.parse("2026-10-26T08:00:00Z"));
  }

  @Test
  void seasonalFallsBackToRollingUntilAWeekOfHistoryExists() {
    Period w = new Period(Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T10:00:00Z"));
    BaselinePlan p = BaselinePlan.of(SEASONAL, w, LONDON, Optional.of(Instant.parse("2026-11-20T00:00:00Z")));
    assertThat(p.label()).isEqualTo(BaselinePlan.SEASONAL_FALLBACK);
    assertThat(p.periods()).containsExactly(new Period(w.from().minus(Duration.ofDays(28)), w.from()));
    assertThat(p.coveredSince(Optional.of(Instant.parse("2026-11-20T00:00:00Z")))).isEqualTo(Duration.ofHours(81));
  }

  @Test
  void seasonalWeeksAreCapped() {
    Period w = new Period(Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T10:00:00Z"));
    BaselinePlan p = BaselinePlan.of(new BaselineConfig(BaselineMode.SEASONAL, Duration.ofDays(400)), w, LONDON, Optional.empty());
    assertThat(p.periods()).hasSize(BaselinePlan.MAX_WEEKS);
    assertThat(p.length()).isEqualTo(Duration.ofHours(BaselinePlan.MAX_WEEKS));
  }
}
