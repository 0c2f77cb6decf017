package dev.earlybird.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The band the statement page draws behind the per-call time: for each point, the mean and standard deviation of
 * single calls over the {@value #LOOKBACK} points before it, from the same series. Cheap (no extra store read) and
 * honest about what it is: the statement's own recent past, not the analyzer's configured baseline. Pure.
 */
public final class BaselineBand {
  /** How many preceding points make the band; fewer at the start of the window. */
  static final int LOOKBACK = 12;

  private BaselineBand() {}

  /**
   * @param end the point this band stands under
   * @param meanMs the call-weighted mean time per call of the preceding points
   * @param lowMs {@code meanMs} minus one standard deviation of a single call, never below 0
   * @param highMs {@code meanMs} plus one standard deviation
   * @param calls how many calls the band is made of
   */
  public record BandJson(Instant end, double meanMs, double lowMs, double highMs, long calls) {}

  /** One entry per point that has at least one call before it; the first points of the window have none. */
  static List<BandJson> of(List<QueriesApi.PointJson> series) {
    List<BandJson> out = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      List<QueriesApi.PointJson> before = series.subList(Math.max(0, i - LOOKBACK), i);
      long calls = before.stream().mapToLong(QueriesApi.PointJson::calls).sum();
      if (calls == 0) {
        continue;
      }
      double mean = before.stream().mapToDouble(p -> p.calls() * p.meanMs()).sum() / calls;
      // Pooled variance of single calls: each point's own spread plus how far its mean sits from the pooled mean.
      double variance = before.stream()
          .mapToDouble(p -> p.calls() * (p.stddevMs() * p.stddevMs() + Math.pow(p.meanMs() - mean, 2)))
          .sum() / calls;
      double sd = Math.sqrt(variance);
      out.add(new BandJson(series.get(i).end(), Api.round(mean), Api.round(Math.max(0, mean - sd)),
          Api.round(mean + sd), calls));
    }
    return out;
  }
}
