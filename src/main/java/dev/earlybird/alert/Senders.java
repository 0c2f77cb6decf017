package dev.earlybird.alert;

import dev.earlybird.config.ReceiverConfig;
import java.time.Duration;
import java.util.List;

/** Builds the sender for each configured receiver; the binder has already checked each has its keys. */
public final class Senders {
  private Senders() {}

  /** @param resendInterval how often the dispatcher re-sends firing alerts to Alertmanager */
  public static Sender of(ReceiverConfig r, Duration resendInterval) {
    return switch (r.type()) {
      case ALERTMANAGER -> new AlertmanagerSender(r.name(), r.url().orElseThrow(), resendInterval);
      case PAGERDUTY -> new PagerDutySender(r.name(), r.url(), r.routingKey().orElseThrow());
      case SLACK -> new SlackSender(r.name(), r.url().orElseThrow());
      case WEBHOOK -> new WebhookSender(r.name(), r.url().orElseThrow(), r.secret());
      case EMAIL -> new EmailSender(r.name(), r.email().orElseThrow());
    };
  }

  public static List<Sender> of(List<ReceiverConfig> receivers, Duration resendInterval) {
    return receivers.stream().map(r -> of(r, resendInterval)).toList();
  }
}
