package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.DatabaseFilter;
import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.config.TargetTemplate;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.aws.FakeRds;
import dev.earlybird.testing.aws.FakeRds.Cluster;
import dev.earlybird.testing.aws.FakeRds.Failure;
import dev.earlybird.testing.aws.FakeRds.Instance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.retries.api.RetryStrategy;

/** Discovery of one region through the real RDS client against the fake. */
class RdsDiscoveryTest {
  private final FakeRds fake = FakeRds.start();
  private AwsClients clients = clients(AwsRetryStrategy.doNotRetry());

  static AwsClients clients(RetryStrategy retry) {
    return new AwsClients(AwsSettings.DEFAULT,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), retry);
  }

  @AfterEach
  void stop() {
    clients.close();
    fake.close();
  }

  private DiscoveryConfig config(Map<String, String> tags, List<String> engines) {
    return new DiscoveryConfig(List.of("us-east-1"), Optional.of(fake.endpoint()), Map.of(), tags, engines,
        Duration.ofMinutes(5), new TargetTemplate("{identifier}", "postgres", "earlybird", null, true, "",
            DatabaseFilter.defaults()));
  }

  private List<RdsInstance> scan(DiscoveryConfig config) throws SourceException {
    return new RdsDiscovery(clients, config).scan("us-east-1", new ThrottleCount());
  }

  @Test
  void followsMarkersThroughEveryPageOneRateLimitedCallEach() throws Exception {
    Instance[] many = new Instance[7];
    for (int n = 0; n < many.length; n++) {
      many[n] = Instance.postgres("pg-" + n, "pg-" + n + ".rds.example", 5432);
    }
    fake.pageSize(3).instances(many);
    long t0 = System.nanoTime();
    List<RdsInstance> found = scan(config(Map.of(), DiscoveryConfig.ENGINES));
    // The region's RDS bucket holds 2 tokens at 2/s by default: the third page waits about half a second.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(300));
    assertThat(found).extracting(RdsInstance::identifier).containsExactly("pg-0", "pg-1", "pg-2", "pg-3", "pg-4",
        "pg-5", "pg-6");
    assertThat(fake.calls("DescribeDBInstances")).isEqualTo(3);
    assertThat(fake.requests()).extracting(r -> r.form().get("Marker"))
        .containsExactly(null, "offset-3", "offset-6");
    assertThat(fake.calls("DescribeDBClusters")).as("no tags asked for: clusters are not read").isZero();
    assertThat(found.getFirst()).isEqualTo(new RdsInstance("pg-0", "db-PG0RESID", "pg-0.rds.example", 5432,
        Optional.empty(), "us-east-1", "postgres", "available", true, Optional.of("db.r6g.large")));
  }

  @Test
  void tagsMatchOnTheInstanceOrOnItsCluster() throws Exception {
    fake.instances(
            Instance.postgres("tagged", "h1", 5432).tag("earlybird", "on"),
            Instance.postgres("untagged", "h2", 5432),
            Instance.postgres("wrong-value", "h3", 5432).tag("earlybird", "off"),
            Instance.postgres("aurora-a-1", "h4", 5432).inCluster("cluster-a"),
            Instance.postgres("aurora-b-1", "h5", 5432).inCluster("cluster-b"),
            Instance.postgres("aurora-a-2", "h6", 5432).inCluster("cluster-a").tag("earlybird", "off"))
        .clusters(new Cluster("cluster-a", "aurora-postgresql", Map.of("earlybird", "on")),
            new Cluster("cluster-b", "aurora-postgresql", Map.of()));
    List<RdsInstance> found = scan(config(Map.of("earlybird", "on"), DiscoveryConfig.ENGINES));
    assertThat(found).extracting(RdsInstance::identifier).containsExactly("aurora-a-1", "tagged");
    assertThat(found.getFirst().cluster()).contains("cluster-a");
    assertThat(fake.calls("DescribeDBClusters")).isEqualTo(1);
  }

  @Test
  void onlyTheConfiguredEnginesAreAskedForAndTaken() throws Exception {
    fake.instances(Instance.postgres("rds-pg", "h1", 5432),
        Instance.postgres("aurora-1", "h2", 5432).inCluster("c"),
        Instance.postgres("mysql-1", "h3", 3306).engine("mysql"));
    assertThat(scan(config(Map.of(), List.of("aurora-postgresql")))).extracting(RdsInstance::identifier)
        .containsExactly("aurora-1");
    assertThat(fake.requests().getLast().form()).containsEntry("Filters.Filter.1.Values.Value.1", "aurora-postgresql")
        .doesNotContainKey("Filters.Filter.1.Values.Value.2");
    assertThat(scan(config(Map.of(), DiscoveryConfig.ENGINES))).extracting(RdsInstance::identifier)
        .containsExactly("aurora-1", "rds-pg");
  }

  @Test
  void instancesWithoutAnEndpointOrNotRunningAreLeftOut() throws Exception {
    fake.instances(Instance.postgres("creating", "h", 5432).noEndpoint().status("creating"),
        Instance.postgres("stopped", "h", 5432).status("stopped"),
        Instance.postgres("modifying", "h", 5432).status("modifying"));
    assertThat(scan(config(Map.of(), DiscoveryConfig.ENGINES))).extracting(RdsInstance::identifier)
        .containsExactly("modifying");
  }

  @Test
  void throttlingIsRetriedByTheSdkAndCounted() throws Exception {
    clients.close();
    clients = clients(AwsRetryStrategy.standardRetryStrategy());
    fake.instances(Instance.postgres("pg-1", "h", 5432)).failNext("DescribeDBInstances", 1, Failure.throttled());
    ThrottleCount throttled = new ThrottleCount();
    List<RdsInstance> found = new RdsDiscovery(clients, config(Map.of(), DiscoveryConfig.ENGINES))
        .scan("us-east-1", throttled);
    assertThat(found).extracting(RdsInstance::identifier).containsExactly("pg-1");
    assertThat(throttled.takeThrottled()).isEqualTo(1);
    assertThat(fake.calls("DescribeDBInstances")).isEqualTo(2);
  }

  @Test
  void throttlingThatOutlastsTheRetriesIsThrottledNotDown() {
    fake.failAlways("DescribeDBInstances", Failure.throttled());
    ThrottleCount throttled = new ThrottleCount();
    assertThatThrownBy(() -> new RdsDiscovery(clients, config(Map.of(), DiscoveryConfig.ENGINES))
        .scan("us-east-1", throttled))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.THROTTLED))
        .hasMessageContaining("discovery in us-east-1: throttled by AWS on rds:DescribeDBInstances");
    assertThat(throttled.takeThrottled()).isEqualTo(1);
  }

  @Test
  void accessDeniedNamesTheMissingAction() {
    fake.instances(Instance.postgres("a", "h", 5432).inCluster("c"))
        .failAlways("DescribeDBClusters", Failure.denied("rds:DescribeDBClusters"));
    assertThatThrownBy(() -> scan(config(Map.of("earlybird", "on"), DiscoveryConfig.ENGINES)))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.PERMISSION))
        .hasMessageContaining("access denied for rds:DescribeDBClusters (AccessDenied); grant the agent's role "
            + "rds:DescribeDBClusters");
    fake.failAlways("DescribeDBInstances", Failure.denied("rds:DescribeDBInstances"));
    assertThatThrownBy(() -> scan(config(Map.of(), DiscoveryConfig.ENGINES)))
        .hasMessageContaining("access denied for rds:DescribeDBInstances");
  }

  @Test
  void anUnreachableEndpointIsAConnectFailure() {
    int port = fake.endpoint().getPort();
    fake.close();
    var config = new DiscoveryConfig(List.of("us-east-1"), Optional.of(java.net.URI.create("http://127.0.0.1:" + port)),
        Map.of(), Map.of(), DiscoveryConfig.ENGINES, Duration.ofMinutes(5),
        new TargetTemplate("{identifier}", "postgres", "eb", null, false, "", DatabaseFilter.defaults()));
    assertThatThrownBy(() -> scan(config))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(ErrorReason.CONNECT));
  }

  @Test
  void noCredentialsIsOneShortLineWithTheFix(@TempDir Path dir)
      throws Exception {
    Path empty = Files.writeString(dir.resolve("credentials"), "");
    clients.close();
    // The SDK's own chain, finding nothing: its message names every provider and why each failed.
    clients = new AwsClients(AwsSettings.DEFAULT, AwsCredentialsProviderChain.of(
        ProfileCredentialsProvider.builder()
            .profileFile(ProfileFile.builder().content(empty)
                .type(ProfileFile.Type.CREDENTIALS).build())
            .profileName("earlybird-none").build()), AwsRetryStrategy.doNotRetry());
    assertThatThrownBy(() -> scan(config(Map.of(), DiscoveryConfig.ENGINES)))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.reason()).isEqualTo(ErrorReason.AUTH);
          assertThat(e.getMessage()).contains("us-east-1", "no AWS credentials found", "IAM role", "AWS_PROFILE",
              "AWS_ACCESS_KEY_ID").doesNotContain("Provider", "\n").hasSizeLessThan(260);
        });
    assertThat(fake.calls("DescribeDBInstances")).isZero();
  }
}
