package dev.earlybird.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A review to run now.
 *
 * @param late the review's time passed while nobody ran it (the agent was down or stalled), so it runs now,
 *     once, instead of never
 */
public record DueReview(String tenant, LocalDate workday, Instant scheduledFor, boolean late) {
  public DueReview {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(workday, "workday");
    Objects.requireNonNull(scheduledFor, "scheduledFor");
  }
}
