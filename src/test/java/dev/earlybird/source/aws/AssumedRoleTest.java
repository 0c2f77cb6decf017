package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.model.Period;
import dev.earlybird.testing.aws.FakePi;
import dev.earlybird.testing.aws.FakeSts;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/** With {@code aws.roleArn}, calls are signed with the role's credentials from STS, not the base ones. */
class AssumedRoleTest {
  static final String ROLE = "arn:aws:iam::123456789012:role/earlybird";

  @Test
  void performanceInsightsIsCalledAsTheAssumedRole() throws Exception {
    try (FakePi pi = new FakePi(); FakeSts sts = new FakeSts()) {
      AwsSettings settings = new AwsSettings(Optional.of(ROLE), AwsSettings.DEFAULT_PI_INTERVAL, 25,
          AwsSettings.DEFAULT_CLOUDWATCH_INTERVAL, AwsSettings.DEFAULT_CLOUDWATCH_PERIOD,
          AwsSettings.DEFAULT_CLOUDWATCH_DELAY, Map.of());
      AwsConfig link = new AwsConfig("us-east-1", Optional.of("db-ROLE"), Optional.empty(), Optional.empty(),
          Optional.empty(), Map.of(AwsService.PI, pi.endpoint(), AwsService.STS, sts.endpoint()), false);
      try (AwsClients aws = new AwsClients(settings,
          StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABASEKEY", "base-secret")),
          AwsRetryStrategy.doNotRetry())) {
        Instant from = Instant.parse("2026-11-20T10:00:00Z");
        PiSource.of(aws).read("t", link, new Period(from, from.plusSeconds(60)), 60, 25, new ThrottleCount());
      }

      assertThat(sts.calls()).first().satisfies(c -> {
        assertThat(c).containsEntry("Action", "AssumeRole").containsEntry("RoleArn", ROLE)
            .containsEntry("RoleSessionName", "earlybird");
      });
      assertThat(pi.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.accessKeyId()).isEqualTo(FakeSts.ASSUMED_KEY));
    }
  }
}
