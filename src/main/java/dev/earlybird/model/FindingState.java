package dev.earlybird.model;

import java.util.Locale;

/**
 * Lifecycle of a finding. PENDING is internal: the condition was seen, but not yet for enough consecutive
 * windows; the API shows ACTIVE and RESOLVED.
 */
public enum FindingState {
  PENDING,
  ACTIVE,
  RESOLVED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FindingState parse(String label) {
    return valueOf(label.strip().toUpperCase(Locale.ROOT));
  }
}
