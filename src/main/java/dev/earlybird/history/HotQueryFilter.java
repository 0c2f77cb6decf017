package dev.earlybird.history;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Window and filters of a hot-query read. An interval counts when its end lies in {@code (from, to]};
 * rolled-up periods count in whole buckets: an hourly/daily bucket counts when it overlaps the window.
 *
 * @param performanceInsights attach Performance Insights' CPU where PI covered a statement, and rank by it (the hot
 *     list); without it the rows are the stored sums only (comparing with a pinned baseline, which has no PI)
 */
public record HotQueryFilter(
    Instant from, Instant to, Optional<String> target, Optional<String> database, OptionalInt limit,
    boolean performanceInsights) {
  public HotQueryFilter {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("window ends before it starts: " + from + " .. " + to);
    }
  }

  public HotQueryFilter(Instant from, Instant to, Optional<String> target, Optional<String> database, OptionalInt limit) {
    this(from, to, target, database, limit, false);
  }

  public static HotQueryFilter between(Instant from, Instant to) {
    return new HotQueryFilter(from, to, Optional.empty(), Optional.empty(), OptionalInt.empty());
  }

  public HotQueryFilter withTarget(String t) {
    return new HotQueryFilter(from, to, Optional.of(t), database, limit, performanceInsights);
  }

  public HotQueryFilter withDatabase(String d) {
    return new HotQueryFilter(from, to, target, Optional.of(d), limit, performanceInsights);
  }

  public HotQueryFilter withLimit(int n) {
    return new HotQueryFilter(from, to, target, database, OptionalInt.of(n), performanceInsights);
  }

  public HotQueryFilter withPerformanceInsights() {
    return new HotQueryFilter(from, to, target, database, limit, true);
  }
}
