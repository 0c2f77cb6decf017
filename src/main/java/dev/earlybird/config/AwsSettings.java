package dev.earlybird.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet-wide {@code aws:} section: credentials and how often, how much and how fast Earlybird calls AWS.
 * Credentials come from the SDK's default chain (environment, profile, web identity, container or instance
 * role); {@code roleArn} makes the agent assume that role on top of them.
 *
 * @param roleArn a role to assume through STS for every AWS call
 * @param piInterval how often Performance Insights is read per instance; its data is queried in aligned periods
 *     (60 s at this interval or above, 1 s below), each period once
 * @param piTop how many statements per instance and period PI returns (its limit is 25)
 * @param cloudwatchInterval how often CloudWatch is read
 * @param cloudwatchPeriod the statistic period of CloudWatch datapoints
 * @param cloudwatchDelay how far behind now CloudWatch windows end: recent datapoints arrive late, and a gap at the
 *     edge would otherwise be read as "no data"
 * @param requestsPerSecond the shared rate limit per region and service
 */
public record AwsSettings(
    Optional<String> roleArn,
    Duration piInterval,
    int piTop,
    Duration cloudwatchInterval,
    Duration cloudwatchPeriod,
    Duration cloudwatchDelay,
    Map<AwsService, Double> requestsPerSecond) {
  public static final Duration DEFAULT_PI_INTERVAL = Duration.ofMinutes(1);
  public static final int MAX_PI_TOP = 25;
  public static final Duration DEFAULT_CLOUDWATCH_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_CLOUDWATCH_PERIOD = Duration.ofMinutes(1);
  public static final Duration DEFAULT_CLOUDWATCH_DELAY = Duration.ofMinutes(2);
  /** PI's limits are unpublished; a few calls per second per region keeps a large fleet clear of throttling. */
  public static final Map<AwsService, Double> DEFAULT_RATES =
      Map.of(AwsService.PI, 5.0, AwsService.CLOUDWATCH, 10.0, AwsService.RDS, 2.0, AwsService.STS, 2.0);

  public static final AwsSettings DEFAULT = new AwsSettings(Optional.empty(), DEFAULT_PI_INTERVAL, MAX_PI_TOP,
      DEFAULT_CLOUDWATCH_INTERVAL, DEFAULT_CLOUDWATCH_PERIOD, DEFAULT_CLOUDWATCH_DELAY, DEFAULT_RATES);

  public AwsSettings {
    Objects.requireNonNull(roleArn, "roleArn");
    positive(piInterval, "performanceInsights.interval");
    if (piTop < 1 || piTop > MAX_PI_TOP) {
      throw new IllegalArgumentException("performanceInsights.top must be 1.." + MAX_PI_TOP);
    }
    positive(cloudwatchInterval, "cloudwatch.interval");
    positive(cloudwatchPeriod, "cloudwatch.period");
    Objects.requireNonNull(cloudwatchDelay, "cloudwatchDelay");
    EnumMap<AwsService, Double> rates = new EnumMap<>(AwsService.class);
    rates.putAll(DEFAULT_RATES);
    rates.putAll(requestsPerSecond);
    requestsPerSecond = Map.copyOf(rates);
  }

  /** PI's {@code PeriodInSeconds}: 60 when the interval allows it, else 1 (PI has nothing in between). */
  public int piPeriodSeconds() {
    return piInterval.compareTo(Duration.ofMinutes(1)) >= 0 ? 60 : 1;
  }

  public double rate(AwsService service) {
    return requestsPerSecond.get(service);
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
  }
}
