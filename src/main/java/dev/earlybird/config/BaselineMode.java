package dev.earlybird.config;

import java.util.Locale;

/** How a statement's normal cost is learned; written in lowercase in YAML. */
public enum BaselineMode {
  /** Same hour of the week over the last weeks, in the tenant's zone: Monday 9:00 is compared to Mondays 9:00. */
  SEASONAL,
  /** All of the last {@code lookback}. */
  ROLLING;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
