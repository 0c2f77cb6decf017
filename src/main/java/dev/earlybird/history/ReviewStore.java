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
  List<StoredReview> reviews(Optional<String> tenant, Optional<Instant> from, Optional<Instant> to, int limit);

  Optional<StoredReview> review(String id);
}
