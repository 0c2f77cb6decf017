package dev.earlybird.history;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A morning review as stored: its identity and the document the API serves.
 *
 * @param id {@code <tenant>/<workday>}: one review per tenant and workday, which is what makes a second run of
 *     the same review impossible (also across restarts)
 * @param workday the tenant's local date it prepares
 * @param late it ran after its time, because the agent was down or stalled
 * @param body the review as JSON, exactly as {@code GET /api/v1/reviews/{id}} serves it
 */
public record StoredReview(
    String id, String tenant, LocalDate workday, Instant scheduledFor, Instant ranAt, boolean late, String body) {
  public StoredReview {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(workday, "workday");
    Objects.requireNonNull(scheduledFor, "scheduledFor");
    Objects.requireNonNull(ranAt, "ranAt");
    Objects.requireNonNull(body, "body");
  }

  public static String idOf(String tenant, LocalDate workday) {
    return tenant + "/" + workday;
  }
}
