package dev.earlybird.history;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch datapoints per target, scope and metric.
 */
public interface CloudWatchStore {
  /**
   * Stores CloudWatch datapoints atomically; those already stored (same target, scope, metric and period
   * start) are skipped, so reading a window twice never duplicates one. Kept as long as hourly rollups.
   */
  void recordCloudWatch(List<CloudWatchSample> samples);

  /** CloudWatch datapoints of one target and metric whose period starts in {@code [from, to)}, oldest first. */
  List<CloudWatchSample> cloudWatchSeries(
      String target, CloudWatchScope scope, CloudWatchMetric metric, Instant from, Instant to);

  /** Per target, when the newest stored CloudWatch datapoint in {@code scope} starts: where reading resumes. */
  Map<String, Instant> lastCloudWatchSamples(CloudWatchScope scope);
}
