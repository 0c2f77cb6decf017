package dev.earlybird.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The review scheduler's next reviews, as the fleet page shows them; the agent wires its review loop in. */
@FunctionalInterface
public interface UpcomingReviews {
  /** No review scheduler (alerting not wired): no reviews to show. */
  UpcomingReviews NONE = limit -> List.of();

  /** At most {@code limit} reviews in the order they run: tenant and when. */
  List<Map.Entry<String, Instant>> next(int limit);
}
