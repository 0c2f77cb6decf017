package dev.earlybird.alert;

import dev.earlybird.history.NewNotification;

/**
 * Delivers notifications to one configured receiver, in the receiver's own format rendered from the
 * receiver-neutral payload. Thread-confined to the dispatcher; never throws for a receiver's failure.
 */
public interface Sender {
  /** The receiver's name from the configuration. */
  String receiver();

  /** One attempt; returns within the sender's timeouts. */
  Delivery send(NewNotification notification);

  /**
   * For {@code check}: whether the receiver is reachable with these credentials, without sending anything a person
   * would see (Alertmanager {@code /-/ready}, an SMTP login, a webhook URL that resolves).
   */
  Check check();

  /** @param detail what was checked, or what failed and how to fix it */
  record Check(boolean ok, String detail) {}
}
