package dev.earlybird.model;

import java.util.Locale;

/** Severity of a finding, in increasing order (compare with {@code compareTo}); lowercase in YAML. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
