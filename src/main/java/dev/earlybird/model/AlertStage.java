package dev.earlybird.model;

import java.util.Locale;

/**
 * Why an alert was raised: {@code found} as soon as its finding became active, {@code morning} when the
 * morning review of a tenant re-raised it before that tenant's working day. Routes match on it, so found
 * alerts can go to a chat channel and only morning ones page.
 */
public enum AlertStage {
  FOUND,
  MORNING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AlertStage parse(String label) {
    return valueOf(label.strip().toUpperCase(Locale.ROOT));
  }
}
