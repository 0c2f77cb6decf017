package dev.earlybird.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored notification and how its delivery went.
 *
 * @param id increasing in the order notifications were written; each receiver gets its notifications in this order
 * @param nextAttemptAt not before this (backoff, {@code Retry-After})
 * @param attempts sends tried so far
 * @param doneAt when it was delivered or given up
 * @param outcome {@code sent}, {@code failed} (gave up: rejected, or older than {@code alerts.maxAge}) or
 *     {@code suppressed} (silenced, or inhibited while its target was down)
 */
public record OutboxEntry(
    long id,
    NewNotification notification,
    Instant nextAttemptAt,
    int attempts,
    Optional<String> lastError,
    Optional<Instant> doneAt,
    Optional<String> outcome) {
  public OutboxEntry {
    Objects.requireNonNull(notification, "notification");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(doneAt, "doneAt");
    Objects.requireNonNull(outcome, "outcome");
  }

  public String receiver() {
    return notification.receiver();
  }
}
