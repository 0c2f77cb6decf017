package dev.earlybird.source.aws;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code earlybird check} says about a target's CloudWatch link: one small {@code GetMetricData} call
 * (CPUUtilization of the instance over the last 15 minutes) that proves the credentials may read it and that
 * the identifier names an instance CloudWatch knows.
 */
public final class CloudWatchCheck {
  static final String NAME = "cloudwatch readable";
  static final Duration LOOKBACK = Duration.ofMinutes(15);
  static final Duration PERIOD = Duration.ofMinutes(1);

  private CloudWatchCheck() {}

  /** No result for a target without {@code aws.dbInstanceIdentifier}; never throws for an AWS problem. */
  public static List<CheckResult> run(AwsClients clients, TargetConfig target, Instant now) {
    Optional<AwsConfig> link = target.aws();
    Optional<String> instance = link.flatMap(AwsConfig::dbInstanceIdentifier);
    if (instance.isEmpty()) {
      return List.of();
    }
    Instant end = CloudWatchWindows.floor(now, PERIOD);
    var request = new CloudWatchRequest(target.name(), CloudWatchScope.INSTANCE, instance.get(), end.minus(LOOKBACK), end);
    CloudWatchResult result = new CloudWatchSource(clients, PERIOD)
        .read(link.get(), List.of(request), scope -> List.of(CloudWatchMetric.CPU_UTILIZATION))
        .getFirst();
    return List.of(result.failure().map(e -> failed(e, link.get())).orElseGet(() -> read(result, instance.get(), link.get())));
  }

  private static CheckResult read(CloudWatchResult result, String instance, AwsConfig link) {
    int n = result.samples().size();
    if (n == 0) {
      return new CheckResult(NAME, CheckResult.Status.WARN,
          "is the identifier right? DBInstanceIdentifier " + instance + " has no CPUUtilization in the last "
              + LOOKBACK.toMinutes() + " minutes in " + link.region(),
          "Check aws.dbInstanceIdentifier (the RDS console's 'DB identifier', not the endpoint or the resource id) "
              + "and aws.region of this target.");
    }
    return new CheckResult(NAME, CheckResult.Status.PASS, "readable, " + n + " datapoints (CPUUtilization of "
        + instance + ", last " + LOOKBACK.toMinutes() + " minutes)", "");
  }

  private static CheckResult failed(SourceException e, AwsConfig link) {
    return switch (e.reason()) {
      case PERMISSION -> new CheckResult(NAME, CheckResult.Status.FAIL, e.getMessage(),
          "Grant the agent's AWS identity (or the role of aws.roleArn) the IAM action " + CloudWatchSource.ACTION
              + " on Resource \"*\" (CloudWatch has no resource-level permissions for it).");
      case THROTTLED -> new CheckResult(NAME, CheckResult.Status.WARN, e.getMessage(),
          "Run the check again in a minute; if it keeps happening, lower aws.requestsPerSecond.cloudwatch.");
      case DNS, CONNECT, TIMEOUT -> new CheckResult(NAME, CheckResult.Status.FAIL, e.getMessage(),
          "Check aws.region (" + link.region() + "), aws.endpoint / aws.endpoints.cloudwatch, proxies and the route to "
              + "CloudWatch (a VPC endpoint for monitoring in private subnets).");
      default -> new CheckResult(NAME, CheckResult.Status.FAIL, e.getMessage(),
          "Check the target's aws: settings (region, dbInstanceIdentifier, endpoint) and the agent's AWS credentials.");
    };
  }
}
