package dev.earlybird.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One CloudWatch datapoint of a target: the {@code Average} of {@code metric} over the period that starts at
 * {@code at}, in the unit CloudWatch publishes (see {@link CloudWatchMetric}). A period CloudWatch has no
 * datapoint for has no sample: missing data is never stored as 0.
 *
 * @param at the start of the datapoint's period, as CloudWatch stamps it
 */
public record CloudWatchSample(String target, CloudWatchScope scope, CloudWatchMetric metric, Instant at, double value) {
  public CloudWatchSample {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(at, "at");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("CloudWatch value of " + target + " " + metric.awsName() + " at " + at
          + " is not a number: " + value);
    }
    if (!metric.existsFor(scope)) {
      throw new IllegalArgumentException(metric.awsName() + " is not read per " + scope.label());
    }
  }
}
