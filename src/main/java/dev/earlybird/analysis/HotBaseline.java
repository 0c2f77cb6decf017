package dev.earlybird.analysis;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Period;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Which baseline a hot-list row is shown against, decided as the analysis decides it. Pure.
 *
 * <ul>
 *   <li>A statement with an active regression: the baseline the regression was found against, as its evidence
 *       froze it. A baseline planned for the shown window may lie inside the regression (a rolling one absorbs it
 *       within its lookback) and would show a slower statement as unchanged next to a finding that says it is 40
 *       times slower.
 *   <li>Any other statement: the plan the analysis would make for the shown window ({@link BaselinePlan}, in the
 *       zone of the statement's tenant, from the target's first poll on), read when the target's history covers
 *       enough of it ({@link Analyzer#covered}).
 *   <li>Otherwise none: a plan over periods before the target was first polled (a day's window on an agent's
 *       first day) reads nothing, and saying "no baseline" is the truth, where a mean from a sliver of it is not.
 * </ul>
 */
sealed interface HotBaseline {
  /** The baseline of an active regression, frozen when it was found. */
  record Frozen(Evidence.Regression evidence) implements HotBaseline {}

  /** A plan to read. */
  record Planned(BaselinePlan plan) implements HotBaseline {}

  /** No baseline, and why (shown to the user). */
  record Absent(String why) implements HotBaseline {}

  /** The label shown with a frozen baseline. */
  static String frozenLabel(Evidence.Regression r) {
    return r.baseline() + ", as when its regression was found";
  }

  /**
   * @param regression the statement's active regression, if any
   * @param zone the zone of the statement's tenant
   * @param firstPoll when the statement's target was first polled; empty when never
   */
  static HotBaseline of(BaselineConfig config, Period window, ZoneId zone, Optional<Instant> firstPoll,
      Optional<Evidence.Regression> regression) {
    if (regression.isPresent()) {
      return new Frozen(regression.get());
    }
    BaselinePlan plan = BaselinePlan.of(config, window, zone, firstPoll);
    if (!Analyzer.covered(plan, firstPoll)) {
      return new Absent(plan.label() + ": not enough history before the window"
          + firstPoll.map(f -> " (the target was first polled at " + f + ")").orElse(" (the target was never polled)"));
    }
    return new Planned(plan);
  }
}
