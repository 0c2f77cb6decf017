package dev.earlybird.alert;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one attempt to hand a notification to a receiver came to. Errors are for people and never hold a secret. */
public sealed interface Delivery {
  /** The receiver accepted it (Alertmanager 200, PagerDuty 202, Slack 200, SMTP 250). */
  record Sent() implements Delivery {}

  /**
   * Not delivered, worth trying again: a timeout, a refused connection, 5xx, 429.
   *
   * @param after what the receiver asked for ({@code Retry-After}); empty: the dispatcher's own backoff
   */
  record Retry(Optional<Duration> after, String error) implements Delivery {
    public Retry {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(error, "error");
    }
  }

  /** The receiver refused it for good (400, a bad key): trying again cannot help; logged and counted as failed. */
  record Rejected(String error) implements Delivery {
    public Rejected {
      Objects.requireNonNull(error, "error");
    }
  }

  /** Not attempted, to stay within the receiver's rate limit (Slack: one message per second per webhook). */
  record NotYet(Duration after) implements Delivery {
    public NotYet {
      Objects.requireNonNull(after, "after");
    }
  }
}
