package dev.earlybird.schedule;

import static dev.earlybird.testing.aws.FakeCloudWatch.CLUSTER;
import static dev.earlybird.testing.aws.FakeCloudWatch.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.CloudWatchMetrics;
import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.CloudWatchSource;
import dev.earlybird.testing.aws.AwsTesting;
import dev.earlybird.testing.aws.FakeCloudWatch;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/**
 * CloudWatch rounds as the agent runs them: the real SDK client against the CBOR fake, the real store through
 * the single writer, and what a user sees on {@code /metrics}.
 */
class CloudWatchLoopTest {
  static final Duration MINUTE = Duration.ofMinutes(1);
  /** With the 2-minute delay, the first round's window ends at 06:01 and starts 3 hours earlier. */
  static final Instant START = Instant.parse("2026-03-02T06:03:30Z");
  static final Instant END = Instant.parse("2026-03-02T06:01:00Z");

  @TempDir Path dir;
  FakeCloudWatch fake;
  AwsSettings settings = AwsTesting.settings();
  AwsClients clients;
  JdbcHistoryStore store;
  HistoryWriter writer;
  AgentMetrics metrics;
  CloudWatchMetrics gauges;
  AtomicReference<Instant> now = new AtomicReference<>(START);
  ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void start() {
    fake = FakeCloudWatch.start(MINUTE);
    clients = AwsTesting.clients(settings);
    openStore();
    metrics = new AgentMetrics("test");
    gauges = new CloudWatchMetrics(metrics);
    logs.start();
    ((Logger) LoggerFactory.getLogger(CloudWatchLoop.class)).addAppender(logs);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(CloudWatchLoop.class)).detachAppender(logs);
    closeStore();
    clients.close();
    fake.close();
    assertThat(fake.problems()).as("requests CloudWatch would reject").isEmpty();
  }

  void openStore() {
    store = DuckDbHistoryStore.open(dir.resolve("history.duckdb"), now::get);
    writer = new HistoryWriter(store, 16);
  }

  void closeStore() {
    writer.close();
    store.close();
  }

  CloudWatchLoop loop(AwsClients clients, TargetConfig... targets) {
    return new CloudWatchLoop(List.of(targets), settings, new CloudWatchSource(clients, MINUTE), writer, metrics,
        gauges, now::get);
  }

  CloudWatchLoop loop(TargetConfig... targets) {
    return loop(clients, targets);
  }

  TargetConfig target(String name, String instance, String cluster) {
    return AwsTesting.target(name, fake.endpoint(), instance, cluster);
  }

  /** One datapoint per minute in {@code [from, to)}. */
  void publish(String dimension, String id, String metric, Instant from, Instant to, double value) {
    for (Instant t = from; t.isBefore(to); t = t.plus(MINUTE)) {
      fake.put(dimension, id, metric, t, value);
    }
  }

  List<CloudWatchSample> stored(String target, CloudWatchScope scope, CloudWatchMetric metric) {
    return store.cloudWatchSeries(target, scope, metric, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"));
  }

  String scrape() {
    return metrics.scrape(null).body();
  }

  /** The value of the series {@code name{labels...}} on /metrics, if it is there. */
  OptionalDouble value(String name, String... labels) {
    return scrape().lines()
        .filter(l -> l.startsWith(name + "{") && List.of(labels).stream().allMatch(x -> l.contains(x)))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst();
  }

  @Test
  void aRoundStoresEveryDatapointAndShowsTheLatestInBaseUnits() {
    Instant last = END.minus(MINUTE);
    fake.put(INSTANCE, "db-a", "CPUUtilization", last.minus(MINUTE), 10);
    fake.put(INSTANCE, "db-a", "CPUUtilization", last, 42.5);
    fake.put(INSTANCE, "db-a", "FreeableMemory", last, 2.5e9);
    fake.put(INSTANCE, "db-a", "DBLoad", last, 1.5);
    fake.put(INSTANCE, "db-a", "DBLoadCPU", last, 1.0);
    fake.put(INSTANCE, "db-a", "ReadIOPS", last, 120);
    fake.put(INSTANCE, "db-a", "WriteIOPS", last, 30);
    fake.put(INSTANCE, "db-a", "DatabaseConnections", last, 17);
    fake.put(CLUSTER, "aurora-1", "CPUUtilization", last, 60);
    // DBLoadNonCPU has no datapoint: the instance had no non-CPU load.

    loop(target("a", "db-a", "aurora-1")).runOnce();

    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION))
        .extracting(CloudWatchSample::value).containsExactly(10.0, 42.5);
    assertThat(stored("a", CloudWatchScope.CLUSTER, CloudWatchMetric.CPU_UTILIZATION))
        .extracting(CloudWatchSample::value).containsExactly(60.0);
    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.DB_LOAD_NON_CPU)).isEmpty();

    String instance = "scope=\"instance\"";
    assertThat(value("earlybird_cloudwatch_cpu_utilization_ratio", instance, "target=\"a\"")).hasValue(0.425);
    assertThat(value("earlybird_cloudwatch_cpu_utilization_ratio", "scope=\"cluster\"")).hasValue(0.6);
    assertThat(value("earlybird_cloudwatch_freeable_memory_bytes", instance)).hasValue(2.5e9);
    assertThat(value("earlybird_cloudwatch_db_load", "kind=\"all\"")).hasValue(1.5);
    assertThat(value("earlybird_cloudwatch_db_load", "kind=\"cpu\"")).hasValue(1.0);
    assertThat(value("earlybird_cloudwatch_db_load", "kind=\"non_cpu\"")).as("no data is not 0").isEmpty();
    assertThat(value("earlybird_cloudwatch_read_iops", instance)).hasValue(120);
    assertThat(value("earlybird_cloudwatch_write_iops", instance)).hasValue(30);
    assertThat(value("earlybird_cloudwatch_database_connections", instance)).hasValue(17);
    assertThat(value("earlybird_cloudwatch_freeable_memory_bytes", "scope=\"cluster\"")).isEmpty();
    assertThat(value("earlybird_poll_duration_seconds_count", "source=\"cloudwatch\"", "target=\"a\"")).hasValue(1);
    assertThat(value("earlybird_poll_errors_total", "source=\"cloudwatch\"")).isEmpty();
  }

  @Test
  void eachWindowIsReadOnceAndReadingResumesFromTheStoreAfterARestart() {
    publish(INSTANCE, "db-a", "CPUUtilization", END.minus(Duration.ofHours(5)), END.plus(Duration.ofHours(1)), 25);

    CloudWatchLoop first = loop(target("a", "db-a", null));
    first.runOnce();
    now.set(START.plus(MINUTE));
    first.runOnce();
    now.set(START.plus(Duration.ofSeconds(80))); // nothing new is complete yet
    first.runOnce();

    assertThat(fake.requests()).extracting(FakeCloudWatch.Request::start, FakeCloudWatch.Request::end)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(END.minus(Duration.ofHours(3)), END),
            org.assertj.core.groups.Tuple.tuple(END, END.plus(MINUTE)));

    // The agent restarts 10 minutes later: the new loop knows nothing but what the store holds.
    closeStore();
    openStore();
    now.set(START.plus(Duration.ofMinutes(11)));
    loop(target("a", "db-a", null)).runOnce();

    FakeCloudWatch.Request resumed = fake.requests().getLast();
    assertThat(resumed.start()).isEqualTo(END.plus(MINUTE));
    assertThat(resumed.end()).isEqualTo(END.plus(Duration.ofMinutes(11)));
    List<CloudWatchSample> cpu = stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION);
    assertThat(cpu).hasSize(180 + 1 + 10);
    assertThat(cpu).extracting(CloudWatchSample::at).doesNotHaveDuplicates();
  }

  @Test
  void throttlingThenSuccessIsCountedAsThrottledAndNeverAsTheDatabaseDown() {
    metrics.pollSucceeded("a", "pg_stat_statements", Duration.ofMillis(5), START, 10, 0, false);
    fake.put(INSTANCE, "db-a", "CPUUtilization", END.minus(MINUTE), 50);
    fake.throttleNext(2);

    try (AwsClients retrying = AwsTesting.clients(settings, AwsRetryStrategy.standardRetryStrategy())) {
      loop(retrying, target("a", "db-a", null)).runOnce();
    }

    assertThat(value("earlybird_poll_errors_total", "reason=\"throttled\"", "source=\"cloudwatch\"", "target=\"a\""))
        .hasValue(2);
    assertThat(scrape()).doesNotContain("reason=\"permission\"").doesNotContain("reason=\"other\"");
    assertThat(value("earlybird_target_up", "target=\"a\"")).hasValue(1);
    assertThat(value("earlybird_cloudwatch_cpu_utilization_ratio", "target=\"a\"")).hasValue(0.5);
    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION)).hasSize(1);
  }

  @Test
  void accessDeniedIsCountedEveryRoundButLoggedOnceWithTheAction() {
    metrics.pollSucceeded("a", "pg_stat_statements", Duration.ofMillis(5), START, 10, 0, false);
    fake.put(INSTANCE, "db-a", "CPUUtilization", END.minus(MINUTE), 50);
    fake.denyAccess(true);
    CloudWatchLoop loop = loop(target("a", "db-a", null));

    for (int round = 0; round < 3; round++) {
      now.set(START.plus(MINUTE.multipliedBy(round)));
      loop.runOnce();
    }

    assertThat(value("earlybird_poll_errors_total", "reason=\"permission\"", "source=\"cloudwatch\"", "target=\"a\""))
        .hasValue(3);
    assertThat(value("earlybird_target_up", "target=\"a\"")).hasValue(1);
    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN)
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("target a", "cloudwatch:GetMetricData"));
    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION)).isEmpty();

    fake.denyAccess(false);
    now.set(START.plus(MINUTE.multipliedBy(3)));
    loop.runOnce();

    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION)).hasSize(1);
    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("target a: CloudWatch works again"));
  }

  @Test
  void oneFailingTargetOrRegionNeverStopsTheOthers() throws Exception {
    fake.put(INSTANCE, "db-a", "CPUUtilization", END.minus(MINUTE), 10);
    fake.put(INSTANCE, "db-b", "CPUUtilization", END.minus(MINUTE), 20);
    fake.forbid("db-b");
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    TargetConfig unreachable = AwsTesting.target("c", URI.create("http://127.0.0.1:" + dead), "db-c", null);

    loop(target("a", "db-a", null), target("b", "db-b", null), unreachable).runOnce();

    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION)).hasSize(1);
    assertThat(stored("b", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION)).isEmpty();
    assertThat(value("earlybird_poll_errors_total", "reason=\"permission\"", "target=\"b\"")).hasValue(1);
    assertThat(value("earlybird_poll_errors_total", "reason=\"connect\"", "target=\"c\"")).hasValue(1);
    assertThat(value("earlybird_poll_errors_total", "target=\"a\"")).isEmpty();
    assertThat(value("earlybird_cloudwatch_cpu_utilization_ratio", "target=\"a\"")).hasValue(0.1);
  }

  @Test
  void aWindowCloudWatchFailedInternallyIsReadAgainNextRound() {
    fake.put(INSTANCE, "db-a", "CPUUtilization", END.minus(MINUTE), 10);
    fake.internalError("db-a");
    CloudWatchLoop loop = loop(target("a", "db-a", null));
    loop.runOnce();
    assertThat(value("earlybird_poll_errors_total", "reason=\"other\"", "target=\"a\"")).hasValue(1);

    fake.recover("db-a");
    now.set(START.plus(MINUTE));
    loop.runOnce();

    // Not "from where the failed window ended": it is read again (as far as the 3-hour reach goes).
    assertThat(fake.requests()).hasSize(2);
    assertThat(fake.requests().get(1).start()).isEqualTo(END.plus(MINUTE).minus(Duration.ofHours(3)));
    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.CPU_UTILIZATION))
        .extracting(CloudWatchSample::at).containsExactly(END.minus(MINUTE));
  }

  @Test
  void aSeriesWhoseDatapointsStopIsRemovedNotFrozenAtItsLastValue() {
    publish(INSTANCE, "db-a", "CPUUtilization", END.minus(Duration.ofMinutes(5)), END.plus(Duration.ofMinutes(30)), 30);
    publish(INSTANCE, "db-a", "DBLoad", END.minus(Duration.ofMinutes(5)), END, 2);
    CloudWatchLoop loop = loop(target("a", "db-a", null));
    loop.runOnce();
    assertThat(value("earlybird_cloudwatch_db_load", "kind=\"all\"")).hasValue(2);

    // DBLoad stops (the instance went idle) while CPU goes on; after five quiet periods it is gone.
    for (int m = 1; m <= 6; m++) {
      now.set(START.plus(MINUTE.multipliedBy(m)));
      loop.runOnce();
    }

    assertThat(value("earlybird_cloudwatch_db_load", "kind=\"all\"")).isEmpty();
    assertThat(value("earlybird_cloudwatch_cpu_utilization_ratio", "target=\"a\"")).hasValue(0.3);
    assertThat(stored("a", CloudWatchScope.INSTANCE, CloudWatchMetric.DB_LOAD)).extracting(CloudWatchSample::value)
        .containsOnly(2.0);
  }

  @Test
  void linksToCloudWatchOnlyTargetsWithAnIdentifier() {
    assertThat(CloudWatchLoop.linked(TargetConfig.of("plain", "jdbc:postgresql://127.0.0.1:1/postgres"))).isFalse();
    assertThat(CloudWatchLoop.linked(target("a", "db-a", null))).isTrue();
    assertThat(CloudWatchLoop.linked(target("c", null, "aurora-1"))).isTrue();
    assertThat(CloudWatchLoop.linked(AwsTesting.target("p", fake.endpoint(), null, null))).isFalse();
  }
}
