package dev.earlybird.history;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Morning reviews, and per tenant the workday through which reviews are done. */
public interface ReviewStore {
  /**
   * Per tenant, the workday of its last completed review, or for a tenant never reviewed the day before it was
   * first seen (so its first review is the next one due, not one from the past).
   */
  Map<String, LocalDate> reviewedThrough();

  /** Remembers when a tenant was first seen; keeps what is stored if it is known already. */
  void firstSeen(String tenant, LocalDate reviewedThrough);

  /**
   * Stores a completed review, moves its tenant's reviewed-through to the review's workday and stores the alerts
   * and notifications it raised, all in one transaction. A review with an id already stored is refused with
   * {@link HistoryException}: none runs twice.
   */
  void record(StoredReview review, AlertWrites writes);

  /** Newest first. */
  default List<StoredReview> reviews(Optional<String> tenant, Optional<Instant> from, Optional<Instant> to, int limit) {
    return reviews(tenant, from, to, Optional.empty(), limit);
  }

  /** Newest first, starting after (or before) {@code seek}: one page of the list. */
  List<StoredReview> reviews(
      Optional<String> tenant, Optional<Instant> from, Optional<Instant> to, Optional<Seek> seek, int limit);

  /**
   * A position in the reviews' order (scheduled time newest first, then tenant): unique, since a tenant has one
   * review per scheduled time, so pages neither repeat nor skip a review whatever is stored meanwhile.
   *
   * @param before the reviews before it (a previous page), else those after it
   */
  record Seek(Instant scheduledFor, String tenant, boolean before) {}

  Optional<StoredReview> review(String id);
}
