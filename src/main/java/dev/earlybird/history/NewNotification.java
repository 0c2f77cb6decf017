package dev.earlybird.history;

import java.time.Instant;
import java.util.Objects;

/**
 * A notification to put in the outbox, in the same transaction as the change that caused it.
 *
 * @param receiver the receiver's name
 * @param type {@code alert} or {@code review}
 * @param ref the alert's fingerprint, or the review's id
 * @param status {@code firing} or {@code resolved} for an alert, {@code review} for a review
 * @param dedupKey what the receiver deduplicates by (PagerDuty's {@code dedup_key}): equal for every delivery of
 *     one state change, also after a restart
 * @param payload the receiver-neutral JSON document (the webhook body); each receiver renders its own format
 */
public record NewNotification(
    String receiver, String type, String ref, String status, String dedupKey, String payload, Instant createdAt) {
  public NewNotification {
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(dedupKey, "dedupKey");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
