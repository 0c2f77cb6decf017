package dev.earlybird.source.aws;

import static dev.earlybird.testing.aws.FakeCloudWatch.CLUSTER;
import static dev.earlybird.testing.aws.FakeCloudWatch.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.testing.aws.AwsTesting;
import dev.earlybird.testing.aws.FakeCloudWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/** The CloudWatch reader against a fake that speaks the SDK's RPC v2 CBOR, through the real SDK client. */
class CloudWatchSourceTest {
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final Instant END = Instant.parse("2026-03-02T06:00:00Z");
  static final Instant FROM = END.minus(Duration.ofMinutes(10));

  FakeCloudWatch fake;
  AwsSettings settings = AwsTesting.settings();
  AwsClients clients;
  CloudWatchSource source;

  @BeforeEach
  void start() {
    fake = FakeCloudWatch.start(MINUTE);
    clients = AwsTesting.clients(settings);
    source = new CloudWatchSource(clients, MINUTE);
  }

  @AfterEach
  void stop() {
    clients.close();
    fake.close();
    assertThat(fake.problems()).as("requests CloudWatch would reject").isEmpty();
  }

  AwsConfig link() {
    return AwsTesting.target("x", fake.endpoint(), "x", null).aws().orElseThrow();
  }

  static CloudWatchRequest instance(String target, String identifier) {
    return new CloudWatchRequest(target, CloudWatchScope.INSTANCE, identifier, FROM, END);
  }

  static Instant minute(int m) {
    return FROM.plus(MINUTE.multipliedBy(m));
  }

  @Test
  void readsEveryMetricOfEachTargetInOneCall() {
    fake.put(INSTANCE, "db-a", "CPUUtilization", minute(0), 42.5);
    fake.put(INSTANCE, "db-a", "CPUUtilization", minute(1), 40);
    fake.put(INSTANCE, "db-a", "FreeableMemory", minute(1), 2.5e9);
    fake.put(INSTANCE, "db-b", "DatabaseConnections", minute(1), 17);
    fake.put(INSTANCE, "db-b", "DBLoadCPU", minute(2), 1.25);
    fake.put(INSTANCE, "db-c", "CPUUtilization", minute(1), 99); // not asked for

    List<CloudWatchResult> results = source.read(link(), List.of(instance("a", "db-a"), instance("b", "db-b")));

    assertThat(results).allSatisfy(r -> assertThat(r.failure()).isEmpty());
    assertThat(results.get(0).samples()).containsExactlyInAnyOrder(
        new CloudWatchSample("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION, minute(0), 42.5),
        new CloudWatchSample("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION, minute(1), 40),
        new CloudWatchSample("a", CloudWatchScope.INSTANCE, CloudWatchMetric.FREEABLE_MEMORY, minute(1), 2.5e9));
    assertThat(results.get(1).samples()).containsExactlyInAnyOrder(
        new CloudWatchSample("b", CloudWatchScope.INSTANCE, CloudWatchMetric.DATABASE_CONNECTIONS, minute(1), 17),
        new CloudWatchSample("b", CloudWatchScope.INSTANCE, CloudWatchMetric.DB_LOAD_CPU, minute(2), 1.25));

    assertThat(fake.requests()).hasSize(1);
    FakeCloudWatch.Request call = fake.requests().getFirst();
    assertThat(call.start()).isEqualTo(FROM);
    assertThat(call.end()).isEqualTo(END);
    assertThat(call.queries()).hasSize(16);
    assertThat(call.queries()).filteredOn(q -> q.identifier().equals("db-a"))
        .extracting(FakeCloudWatch.Query::metric)
        .containsExactlyInAnyOrderElementsOf(FakeCloudWatch.METRICS);
    assertThat(call.queries()).allSatisfy(q -> {
      assertThat(q.dimension()).isEqualTo(INSTANCE);
      assertThat(q.periodSeconds()).isEqualTo(60);
      assertThat(q.stat()).isEqualTo("Average");
    });
  }

  @Test
  void missingDatapointsAreAbsentNeverZero() {
    // CPU in minutes 0 and 3 only; DBLoad (published only under load) never.
    fake.put(INSTANCE, "db-a", "CPUUtilization", minute(0), 10);
    fake.put(INSTANCE, "db-a", "CPUUtilization", minute(3), 30);

    List<CloudWatchSample> samples = source.read(link(), List.of(instance("a", "db-a"))).getFirst().samples();

    assertThat(samples).extracting(CloudWatchSample::at).containsExactlyInAnyOrder(minute(0), minute(3));
    assertThat(samples).extracting(CloudWatchSample::value).doesNotContain(0.0);
    assertThat(samples).extracting(CloudWatchSample::metric).containsOnly(CloudWatchMetric.CPU_UTILIZATION);
  }

  @Test
  void splitsMoreThan500QueriesIntoSeveralCallsKeepingEachTargetWhole() {
    List<CloudWatchRequest> requests = new ArrayList<>();
    for (int i = 0; i < 70; i++) { // 70 targets x 8 metrics = 560 queries
      requests.add(instance("t" + i, "db-" + i));
      fake.put(INSTANCE, "db-" + i, "WriteIOPS", minute(4), i);
    }

    List<CloudWatchResult> results = source.read(link(), requests);

    assertThat(fake.requests()).hasSize(2);
    assertThat(fake.requests()).allSatisfy(r -> assertThat(r.queries().size()).isLessThanOrEqualTo(500));
    assertThat(fake.requests().stream().mapToInt(r -> r.queries().size()).sum()).isEqualTo(560);
    for (FakeCloudWatch.Request r : fake.requests()) {
      assertThat(r.queries().size() % 8).as("a target's metrics stay in one call").isZero();
    }
    assertThat(results).hasSize(70).allSatisfy(r -> {
      assertThat(r.failure()).isEmpty();
      assertThat(r.samples()).singleElement().satisfies(s -> {
        assertThat(s.metric()).isEqualTo(CloudWatchMetric.WRITE_IOPS);
        assertThat(s.value()).isEqualTo(Double.parseDouble(r.request().target().substring(1)));
      });
    });
  }

  @Test
  void followsNextTokenUntilTheWindowIsComplete() {
    for (int m = 0; m < 10; m++) {
      fake.put(INSTANCE, "db-a", "CPUUtilization", minute(m), m);
      fake.put(INSTANCE, "db-a", "ReadIOPS", minute(m), 100 + m);
    }
    fake.pageSize(6);

    CloudWatchResult result = source.read(link(), List.of(instance("a", "db-a"))).getFirst();

    assertThat(fake.requests()).hasSize(4); // 20 datapoints, 6 per page
    assertThat(fake.requests().get(0).nextToken()).isEmpty();
    assertThat(fake.requests().subList(1, 4)).allSatisfy(r -> assertThat(r.nextToken()).isPresent());
    assertThat(result.failure()).isEmpty();
    assertThat(result.samples()).hasSize(20);
    assertThat(result.samples()).filteredOn(s -> s.metric() == CloudWatchMetric.READ_IOPS)
        .extracting(CloudWatchSample::value)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(m -> 100.0 + m).toList());
  }

  @Test
  void clusterMetricsAreReadOncePerClusterAndGoToEachOfItsTargets() {
    fake.put(CLUSTER, "aurora-1", "CPUUtilization", minute(5), 55);
    var a = new CloudWatchRequest("a", CloudWatchScope.CLUSTER, "aurora-1", FROM, END);
    var b = new CloudWatchRequest("b", CloudWatchScope.CLUSTER, "aurora-1", FROM, END);

    List<CloudWatchResult> results = source.read(link(), List.of(a, b));

    FakeCloudWatch.Request call = fake.requests().getFirst();
    assertThat(call.queries()).extracting(FakeCloudWatch.Query::metric)
        .containsExactlyInAnyOrder("CPUUtilization", "FreeableMemory", "ReadIOPS", "WriteIOPS", "DatabaseConnections");
    assertThat(call.queries()).allSatisfy(q -> assertThat(q.dimension()).isEqualTo(CLUSTER));
    assertThat(results).extracting(r -> r.samples().getFirst().target()).containsExactly("a", "b");
    assertThat(results).allSatisfy(r -> assertThat(r.samples().getFirst().value()).isEqualTo(55));
  }

  @Test
  void throttlingThenSuccessIsCountedButIsNoFailure() {
    try (AwsClients retrying = AwsTesting.clients(settings, AwsRetryStrategy.standardRetryStrategy())) {
      fake.put(INSTANCE, "db-a", "CPUUtilization", minute(0), 10);
      fake.throttleNext(2);

      CloudWatchResult result = new CloudWatchSource(retrying, MINUTE).read(link(), List.of(instance("a", "db-a")))
          .getFirst();

      assertThat(result.failure()).isEmpty();
      assertThat(result.throttled()).isEqualTo(2);
      assertThat(result.samples()).hasSize(1);
      assertThat(fake.requests()).extracting(FakeCloudWatch.Request::attempt).containsExactly(1, 2, 3);
    }
  }

  @Test
  void accessDeniedIsAPermissionFailureNamingTheAction() {
    fake.denyAccess(true);

    CloudWatchResult result = source.read(link(), List.of(instance("a", "db-a"))).getFirst();

    assertThat(result.samples()).isEmpty();
    assertThat(result.failure()).hasValueSatisfying(e -> {
      assertThat(e.reason()).isEqualTo(ErrorReason.PERMISSION);
      assertThat(e.getMessage()).contains("target a", "cloudwatch:GetMetricData");
    });
  }

  @Test
  void aForbiddenOrFailedResultFailsOnlyItsOwnTarget() {
    fake.put(INSTANCE, "db-a", "CPUUtilization", minute(0), 10);
    fake.put(INSTANCE, "db-b", "CPUUtilization", minute(0), 20);
    fake.put(INSTANCE, "db-c", "CPUUtilization", minute(0), 30);
    fake.forbid("db-b");
    fake.internalError("db-c");

    List<CloudWatchResult> results =
        source.read(link(), List.of(instance("a", "db-a"), instance("b", "db-b"), instance("c", "db-c")));

    assertThat(results.get(0).failure()).isEmpty();
    assertThat(results.get(0).samples()).hasSize(1);
    assertThat(results.get(1).failure()).hasValueSatisfying(e -> {
      assertThat(e.reason()).isEqualTo(ErrorReason.PERMISSION);
      assertThat(e.getMessage()).contains("cloudwatch:GetMetricData", "db-b");
    });
    assertThat(results.get(2).failure()).hasValueSatisfying(e -> {
      assertThat(e.reason()).isEqualTo(ErrorReason.OTHER);
      assertThat(e.getMessage()).contains("read again next round");
    });
    assertThat(results.get(1).samples()).isEmpty();
    assertThat(results.get(2).samples()).isEmpty();
  }

  @Test
  void windowsEndADelayBehindNowOnWholePeriodsAndReachBackAtMostThreeHours() {
    Instant now = Instant.parse("2026-03-02T06:03:41.5Z");
    Instant end = CloudWatchWindows.end(now, MINUTE, Duration.ofMinutes(2));
    assertThat(end).isEqualTo(Instant.parse("2026-03-02T06:01:00Z"));
    assertThat(CloudWatchWindows.start(java.util.Optional.empty(), end, MINUTE))
        .contains(Instant.parse("2026-03-02T03:01:00Z"));
    assertThat(CloudWatchWindows.start(java.util.Optional.of(Instant.parse("2026-03-02T05:58:00Z")), end, MINUTE))
        .contains(Instant.parse("2026-03-02T05:58:00Z"));
    assertThat(CloudWatchWindows.start(java.util.Optional.of(end), end, MINUTE)).isEmpty();
    // A resume point off the period grid (the period was changed) starts at the next whole period.
    assertThat(CloudWatchWindows.start(java.util.Optional.of(Instant.parse("2026-03-02T05:50:00Z")), end,
        Duration.ofMinutes(5)))
        .contains(Instant.parse("2026-03-02T05:50:00Z"));
    assertThat(CloudWatchWindows.start(java.util.Optional.of(Instant.parse("2026-03-02T05:51:00Z")), end,
        Duration.ofMinutes(5)))
        .contains(Instant.parse("2026-03-02T05:55:00Z"));
  }
}
