package dev.earlybird.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The persistent outbox: notifications written with the change that caused them, delivered by the dispatcher.
 * Each receiver gets its notifications in order (a resolve never overtakes its firing), so only the oldest
 * undelivered one per receiver is ever up for delivery.
 */
public interface Outbox {
  /** The oldest undelivered notification of each receiver, whether due yet or not. */
  List<OutboxEntry> heads();

  /** Delivered: outcome {@code sent}. */
  void sent(long id, Instant at);

  /** Not delivered yet; tried again at {@code next}. The error is for people (never a secret). */
  void retry(long id, Instant next, String error);

  /** Done without delivery: {@code outcome} is {@code failed} or {@code suppressed}. */
  void giveUp(long id, Instant at, String outcome, String error);

  /** Undelivered notifications per receiver. */
  List<Backlog> backlog();

  /** The latest delivery of each receiver for an alert or review ({@code ref}), for the alerts page. */
  List<OutboxEntry> deliveries(String ref);

  /** @param oldest when the oldest undelivered notification was written */
  record Backlog(String receiver, long pending, Optional<Instant> oldest) {}
}
