package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.history.NewNotification;
import java.util.Objects;
import java.util.Optional;

/**
 * A sender that renders the payload into the receiver's own format: parses it once and refuses one that is not a
 * JSON object (the builder's bug; trying again cannot help). Alert-only receivers refuse review digests.
 */
abstract class RenderingSender implements Sender {
  private final String receiver;
  private final boolean alertsOnly;

  RenderingSender(String receiver, boolean alertsOnly) {
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.alertsOnly = alertsOnly;
  }

  @Override
  public final String receiver() {
    return receiver;
  }

  @Override
  public final Delivery send(NewNotification notification) {
    Optional<JsonNode> payload = Payload.parse(notification.payload());
    if (payload.isEmpty()) {
      return new Delivery.Rejected("the notification's payload is not a JSON object");
    }
    if (alertsOnly && Payload.isReview(payload.get())) {
      return new Delivery.Rejected(getClass().getSimpleName().replace("Sender", "").toLowerCase(java.util.Locale.ROOT)
          + " receives alerts, not review digests; route type: review to a slack, email or webhook receiver");
    }
    return send(notification, payload.get());
  }

  /** One attempt with the parsed payload. */
  abstract Delivery send(NewNotification notification, JsonNode payload);
}
