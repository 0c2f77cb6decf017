package dev.earlybird.alert;

import dev.earlybird.history.NewNotification;
import java.util.List;

/**
 * A receiver that forgets a firing alert unless it is sent again (Alertmanager resolves an alert whose {@code endsAt}
 * passed): the dispatcher re-sends what is firing every {@code alerts.resendInterval}, apart from the outbox's
 * deliveries of state changes.
 */
public interface Resending {
  /** Sends the firing alerts again in one request. */
  Delivery resend(List<NewNotification> firing);
}
