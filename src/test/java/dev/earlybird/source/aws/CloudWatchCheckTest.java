package dev.earlybird.source.aws;

import static dev.earlybird.testing.aws.FakeCloudWatch.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.TargetConfig;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.testing.aws.AwsTesting;
import dev.earlybird.testing.aws.FakeCloudWatch;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@code earlybird check} prints about CloudWatch access. */
class CloudWatchCheckTest {
  static final Instant NOW = Instant.parse("2026-03-02T06:07:30Z");

  FakeCloudWatch fake;
  AwsClients clients;

  @BeforeEach
  void start() {
    fake = FakeCloudWatch.start(Duration.ofMinutes(1));
    clients = AwsTesting.clients(AwsTesting.settings());
  }

  @AfterEach
  void stop() {
    clients.close();
    fake.close();
    assertThat(fake.problems()).isEmpty();
  }

  @Test
  void passesWithTheNumberOfDatapointsOfTheLastQuarterHour() {
    for (int m = 1; m <= 20; m++) {
      fake.put(INSTANCE, "prod-1", "CPUUtilization", Instant.parse("2026-03-02T06:07:00Z").minus(Duration.ofMinutes(m)), 20);
    }

    var results = CloudWatchCheck.run(clients, AwsTesting.target("prod", fake.endpoint(), "prod-1", null), NOW);

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(CheckResult.Status.PASS);
      assertThat(r.detail()).startsWith("readable, 15 datapoints");
    });
    FakeCloudWatch.Request call = fake.requests().getFirst();
    assertThat(call.queries()).singleElement().satisfies(q -> {
      assertThat(q.metric()).isEqualTo("CPUUtilization");
      assertThat(q.identifier()).isEqualTo("prod-1");
    });
    assertThat(Duration.between(call.start(), call.end())).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void failsOnAccessDeniedAndSaysWhatToGrant() {
    fake.denyAccess(true);

    var results = CloudWatchCheck.run(clients, AwsTesting.target("prod", fake.endpoint(), "prod-1", null), NOW);

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
      assertThat(r.detail()).contains("access denied", "cloudwatch:GetMetricData");
      assertThat(r.fix()).contains("cloudwatch:GetMetricData");
    });
  }

  @Test
  void warnsWhenTheIdentifierHasNoDatapoints() {
    var results = CloudWatchCheck.run(clients, AwsTesting.target("prod", fake.endpoint(), "prod-typo", null), NOW);

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(CheckResult.Status.WARN);
      assertThat(r.detail()).contains("is the identifier right?", "DBInstanceIdentifier prod-typo has no CPUUtilization");
      assertThat(r.fix()).contains("aws.dbInstanceIdentifier");
    });
  }

  @Test
  void saysNothingAboutATargetWithoutAnInstanceIdentifier() {
    TargetConfig plain = TargetConfig.of("plain", "jdbc:postgresql://127.0.0.1:1/postgres");
    assertThat(CloudWatchCheck.run(clients, plain, NOW)).isEmpty();
    assertThat(CloudWatchCheck.run(clients, AwsTesting.target("c", fake.endpoint(), null, "cluster-1"), NOW)).isEmpty();
    assertThat(fake.requests()).isEmpty();
  }
}
