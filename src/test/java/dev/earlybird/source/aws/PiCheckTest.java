package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.DatabaseFilter;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.source.postgres.CheckResult.Status;
import dev.earlybird.testing.aws.FakePi;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/** {@code check}'s Performance Insights lines against a local PI endpoint. */
class PiCheckTest {
  FakePi pi;
  AwsClients aws;
  PiCheck check;

  @BeforeEach
  void start() throws Exception {
    pi = new FakePi();
    aws = new AwsClients(AwsSettings.DEFAULT,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), AwsRetryStrategy.doNotRetry());
    check = new PiCheck(aws, () -> Instant.parse("2026-11-20T10:00:30Z"));
  }

  @AfterEach
  void stop() {
    aws.close();
    pi.close();
  }

  TargetConfig target(String dbi) {
    return new TargetConfig("aurora-1", "jdbc:postgresql://127.0.0.1:1/postgres", null, null,
        DatabaseFilter.defaults(),
        Optional.of(new AwsConfig("eu-west-1", Optional.ofNullable(dbi), Optional.empty(),
            Optional.of(pi.endpoint()))));
  }

  @Test
  void enabledAndReadablePasses() {
    List<CheckResult> results = check.run(target("db-OK"));

    assertThat(results).extracting(CheckResult::status).containsOnly(Status.PASS);
    assertThat(results.get(0).detail()).contains("db-OK", "eu-west-1");
    // Over five whole minutes ending on a minute, as PI wants.
    var request = pi.requests("DescribeDimensionKeys").get(0).body();
    assertThat(request.path("EndTime").asLong()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z").getEpochSecond());
    assertThat(pi.violations()).isEmpty();
  }

  @Test
  void accessDeniedFailsWithThePolicyToGrant() {
    pi.deny("db-DENIED");

    CheckResult r = check.run(target("db-DENIED")).get(0);

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.detail()).contains("pi:GetResourceMetadata");
    assertThat(r.fix()).contains("pi:DescribeDimensionKeys", "arn:aws:pi:eu-west-1:<account>:metrics/rds/db-DENIED");
  }

  @Test
  void performanceInsightsOffFailsWithHowToEnableIt() {
    pi.disable("db-OFF");

    CheckResult r = check.run(target("db-OFF")).get(0);

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.fix()).contains("--enable-performance-insights", "DbiResourceId");
  }

  @Test
  void aTargetWithoutPerformanceInsightsHasNoLines() {
    assertThat(check.run(target(null))).isEmpty();
    assertThat(pi.requests()).isEmpty();
  }
}
