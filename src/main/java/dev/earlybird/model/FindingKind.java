package dev.earlybird.model;

import java.util.Locale;

/** What a finding says about a statement (the contract's {@code kind}). */
public enum FindingKind {
  /** Among the top CPU statements of its target in a window. */
  HOT,
  /** Costs more per call than its baseline, significantly, with impact, for consecutive windows. */
  REGRESSION,
  /** Absent from the baseline and now among the top of its target or tenant. */
  NEW,
  /** Costs far more per call in one database than the same SQL (family) does across the fleet. */
  OUTLIER,
  /** Morning CPU forecast (a later issue). */
  FORECAST,
  /** Tuning advice (a later issue). */
  ADVICE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FindingKind parse(String label) {
    return valueOf(label.strip().toUpperCase(Locale.ROOT));
  }
}
