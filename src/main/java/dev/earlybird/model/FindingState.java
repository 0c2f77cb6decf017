package dev.earlybird.model;

import java.util.Locale;

/**
 * Lifecycle of a finding. PENDING is internal: the condition was seen, but not yet for enough consecutive
 * windows; the API shows ACTIVE, APPLIED and RESOLVED. APPLIED is advice that was acted on (the advised index exists):
 * it stays open while the advisor compares the statement before and after, then resolves.
 */
public enum FindingState {
  PENDING,
  ACTIVE,
  APPLIED,
  RESOLVED;

  /** Still evaluated by the analysis: not resolved. */
  public boolean open() {
    return this != RESOLVED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FindingState parse(String label) {
    return valueOf(label.strip().toUpperCase(Locale.ROOT));
  }
}
