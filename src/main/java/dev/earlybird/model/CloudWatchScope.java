package dev.earlybird.model;

import java.util.Locale;

/** Which CloudWatch dimension a datapoint was read for: the target's instance or its Aurora cluster. */
public enum CloudWatchScope {
  /** {@code DBInstanceIdentifier}: the instance the target connects to. */
  INSTANCE,
  /** {@code DBClusterIdentifier}: the instance metrics CloudWatch aggregates over the whole Aurora cluster. */
  CLUSTER;

  /** Lowercase name, as stored and as the {@code scope} metric label. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CloudWatchScope parse(String label) {
    return valueOf(label.strip().toUpperCase(Locale.ROOT));
  }
}
