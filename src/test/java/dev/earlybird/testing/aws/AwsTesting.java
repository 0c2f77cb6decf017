package dev.earlybird.testing.aws;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.DatabaseFilter;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.source.aws.AwsClients;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * AWS wiring for tests that can never reach AWS: static credentials (no environment, profile or instance
 * metadata lookup) and every endpoint pointed at a local fake.
 */
public final class AwsTesting {
  public static final String REGION = "us-east-1";

  private AwsTesting() {}

  /** CloudWatch every minute, one-minute periods, 2 minutes behind; a rate limit tests never wait on. */
  public static AwsSettings settings() {
    return settings(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(2));
  }

  public static AwsSettings settings(Duration interval, Duration period, Duration delay) {
    return new AwsSettings(Optional.empty(), AwsSettings.DEFAULT_PI_INTERVAL, AwsSettings.MAX_PI_TOP, interval, period,
        delay, Map.of(AwsService.CLOUDWATCH, 1000.0));
  }

  /** Clients without retries: a throttled or failed call fails at once. */
  public static AwsClients clients(AwsSettings settings) {
    return clients(settings, AwsRetryStrategy.doNotRetry());
  }

  public static AwsClients clients(AwsSettings settings, RetryStrategy retry) {
    return new AwsClients(settings, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), retry);
  }

  /** A target linked to an instance (and, when not null, its cluster) behind {@code endpoint}. */
  public static TargetConfig target(String name, URI endpoint, String instance, String cluster) {
    AwsConfig aws = new AwsConfig(REGION, Optional.empty(), Optional.ofNullable(instance), Optional.of(endpoint),
        Optional.ofNullable(cluster), Map.of(), false);
    return new TargetConfig(name, "jdbc:postgresql://127.0.0.1:1/postgres", null, null, DatabaseFilter.defaults(),
        Optional.of(aws));
  }
}
