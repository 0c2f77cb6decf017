package dev.earlybird.source.aws;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts the throttled attempts of the calls it is attached to, from the SDK's own per-attempt metrics. The SDK
 * retries throttling by itself, so a call that finally works may still have been throttled twice: operators
 * need to see that before it turns into failures.
 */
public final class ThrottleCount implements MetricPublisher {
  /** What the SDK records as {@link CoreMetric#ERROR_TYPE} for a throttled attempt. */
  private static final String THROTTLING = "Throttling";

  private final AtomicInteger throttled = new AtomicInteger();

  /** Attach with {@code request.overrideConfiguration(count::attach)}. */
  public void attach(AwsRequestOverrideConfiguration.Builder config) {
    config.addMetricPublisher(this);
  }

  @Override
  public void publish(MetricCollection metrics) {
    count(metrics);
  }

  private void count(MetricCollection metrics) {
    for (String type : metrics.metricValues(CoreMetric.ERROR_TYPE)) {
      if (THROTTLING.equals(type)) {
        throttled.incrementAndGet();
      }
    }
    metrics.children().forEach(this::count);
  }

  /** Throttled attempts since the last call, then starts again from 0. */
  public int takeThrottled() {
    return throttled.getAndSet(0);
  }

  @Override
  public void close() {}
}
