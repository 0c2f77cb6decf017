package dev.earlybird.history;

import java.util.List;

/**
 * Alert changes and the notifications they cause, written in the same transaction as the findings or review that
 * caused them: a crash can neither lose a notification nor send one for a change that was not stored.
 *
 * @param alerts upserted by (fingerprint, stage)
 */
public record AlertWrites(List<AlertRecord> alerts, List<NewNotification> notifications) {
  public static final AlertWrites NONE = new AlertWrites(List.of(), List.of());

  public AlertWrites {
    alerts = List.copyOf(alerts);
    notifications = List.copyOf(notifications);
  }
}
