package dev.earlybird.source.aws;

import dev.earlybird.model.CloudWatchScope;
import java.time.Instant;
import java.util.Objects;

/**
 * What to read from CloudWatch for one target in one scope: the datapoints of periods starting in
 * {@code [from, to)}, both aligned to the period.
 *
 * @param identifier the {@code DBInstanceIdentifier} (scope instance) or {@code DBClusterIdentifier} (cluster)
 */
public record CloudWatchRequest(String target, CloudWatchScope scope, String identifier, Instant from, Instant to) {
  public CloudWatchRequest {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(identifier, "identifier");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("empty CloudWatch window for " + target + ": " + from + " .. " + to);
    }
  }

  /** The CloudWatch dimension that selects the scope. */
  public String dimension() {
    return switch (scope) {
      case INSTANCE -> "DBInstanceIdentifier";
      case CLUSTER -> "DBClusterIdentifier";
    };
  }
}
