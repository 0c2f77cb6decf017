package dev.earlybird.history;

import dev.earlybird.model.Period;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One target's statements summed in each of several periods, at hourly resolution (raw intervals and hourly rollups;
 * days that only the daily rollup still holds count as not covered), with how many of each period's hours the target
 * has any data for. A period the agent did not poll is thus told apart from one in which a statement did not run.
 *
 * @param byPeriod per period, in the order asked: the sums of the statements that ran in it
 * @param coveredHours per period: hour buckets in which any statement of the target has data
 */
public record PeriodSums(List<Period> periods, List<Map<StatementRef, Usage>> byPeriod, List<Integer> coveredHours) {
  public PeriodSums {
    periods = List.copyOf(periods);
    byPeriod = byPeriod.stream().map(Map::copyOf).toList();
    coveredHours = List.copyOf(coveredHours);
    if (byPeriod.size() != periods.size() || coveredHours.size() != periods.size()) {
      throw new IllegalArgumentException("one entry per period expected");
    }
  }

  /**
   * The share of a period's hours with data, 0..1. An hour bucket belongs to a period when its middle does (so a
   * period starting on a half hour, in a zone with a half-hour offset, still counts whole buckets).
   */
  public double coverage(int period) {
    long hours = Math.max(1, Math.round(periods.get(period).length().toSeconds() / (double) Duration.ofHours(1).toSeconds()));
    return Math.min(1.0, coveredHours.get(period) / (double) hours);
  }
}
