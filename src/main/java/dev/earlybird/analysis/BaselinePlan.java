package dev.earlybird.analysis;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.model.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which past periods a window is compared with. Pure.
 *
 * <ul>
 *   <li>{@code rolling}: the {@code lookback} right before the window.
 *   <li>{@code seasonal}: the same local hours of the same weekday in each of the past weeks within {@code
 *       lookback} (at most {@link #MAX_WEEKS}), in the tenant's zone: "Monday 09:00-10:00 in Europe/London"
 *       maps to different UTC hours in summer and winter, and a window in the week after a DST change is
 *       compared with the same LOCAL hours before it. Until a week of history exists it falls back to
 *       rolling, and says so in its label.
 * </ul>
 *
 * @param label what the "before" side is, shown in evidence
 * @param periods the periods summed into the baseline
 */
public record BaselinePlan(String label, List<Period> periods) {
  public static final int MAX_WEEKS = 12;
  public static final String ROLLING = "rolling";
  public static final String SEASONAL = "seasonal";
  public static final String SEASONAL_FALLBACK = "rolling (seasonal needs a week of history)";

  public BaselinePlan {
    periods = List.copyOf(periods);
  }

  /**
   * @param historyStart when the target was first polled; periods before it hold no data
   */
  public static BaselinePlan of(BaselineConfig config, Period window, ZoneId zone, Optional<Instant> historyStart) {
    return of(config, window, zone, historyStart, Duration.ZERO);
  }

  /**
   * @param gap how long before the window a rolling baseline ends (the windows a finding needs to persist
   *     must not be in its own baseline)
   */
  public static BaselinePlan of(
      BaselineConfig config, Period window, ZoneId zone, Optional<Instant> historyStart, Duration gap) {
    return switch (config.mode()) {
      case ROLLING -> rolling(config.lookback(), window, gap);
      case SEASONAL -> {
        List<Period> weeks = seasonal(config.lookback(), window, zone);
        boolean anyCovered =
            historyStart.isEmpty() || weeks.stream().anyMatch(p -> !p.from().isBefore(historyStart.get()));
        yield anyCovered && !weeks.isEmpty()
            ? new BaselinePlan(SEASONAL, weeks)
            : new BaselinePlan(SEASONAL_FALLBACK, rolling(config.lookback(), window, gap).periods());
      }
    };
  }

  static BaselinePlan rolling(Duration lookback, Period window, Duration gap) {
    Instant end = window.from().minus(gap);
    return new BaselinePlan(ROLLING, List.of(new Period(end.minus(lookback), end)));
  }

  static List<Period> seasonal(Duration lookback, Period window, ZoneId zone) {
    long weeks = Math.min(MAX_WEEKS, Math.max(1, lookback.toDays() / 7));
    ZonedDateTime from = window.from().atZone(zone);
    ZonedDateTime to = window.to().atZone(zone);
    List<Period> out = new ArrayList<>();
    for (int k = 1; k <= weeks; k++) {
      // minusWeeks on a ZonedDateTime keeps the local time (shifting out of a DST gap), which is the point.
      out.add(new Period(from.minusWeeks(k).toInstant(), to.minusWeeks(k).toInstant()));
    }
    return out;
  }

  /** How much of the plan lies after {@code historyStart}: a statement can only be "new" against a baseline that saw. */
  public Duration coveredSince(Optional<Instant> historyStart) {
    Duration total = Duration.ZERO;
    for (Period p : periods) {
      Instant start = historyStart.filter(h -> h.isAfter(p.from())).orElse(p.from());
      if (start.isBefore(p.to())) {
        total = total.plus(Duration.between(start, p.to()));
      }
    }
    return total;
  }

  public Duration length() {
    return periods.stream().map(Period::length).reduce(Duration.ZERO, Duration::plus);
  }
}
