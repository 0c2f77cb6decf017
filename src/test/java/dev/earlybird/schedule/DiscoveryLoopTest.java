package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.DatabaseFilter;
import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.config.PollConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TargetTemplate;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.DiscoveryMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.RdsDiscovery;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.testing.aws.FakeRds;
import dev.earlybird.testing.aws.FakeRds.Failure;
import dev.earlybird.testing.aws.FakeRds.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/**
 * The discovery loop with the real RDS client against the fake, real pollers (whose instances do not answer: the
 * endpoints are closed ports) and the real poll loop, fleet state and metrics.
 */
class DiscoveryLoopTest {
  @TempDir Path dir;
  private final FakeRds fake = FakeRds.start();
  private final AwsClients clients = new AwsClients(
      new AwsSettings(Optional.empty(), AwsSettings.DEFAULT_PI_INTERVAL, AwsSettings.MAX_PI_TOP,
          AwsSettings.DEFAULT_CLOUDWATCH_INTERVAL, AwsSettings.DEFAULT_CLOUDWATCH_PERIOD,
          AwsSettings.DEFAULT_CLOUDWATCH_DELAY, Map.of(dev.earlybird.config.AwsService.RDS, 100.0)),
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), AwsRetryStrategy.doNotRetry());
  private final AgentMetrics metrics = new AgentMetrics("test");
  private final FleetState fleet = new FleetState(List.of("configured"));
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private JdbcHistoryStore store;
  private HistoryWriter writer;
  private PollLoop polls;
  private DiscoveryLoop loop;

  @BeforeEach
  void wire() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
    writer = new HistoryWriter(store, 8);
    polls = new PollLoop(List.of(), Duration.ofHours(1), InstantSource.system());
    var config = new DiscoveryConfig(List.of("us-east-1", "eu-west-1"), Optional.of(fake.endpoint()), Map.of(),
        Map.of(), DiscoveryConfig.ENGINES, Duration.ofMinutes(5),
        new TargetTemplate("{identifier}", "postgres", "earlybird", null, true, "", DatabaseFilter.defaults()));
    PollConfig poll = PollConfig.defaults();
    loop = new DiscoveryLoop(new RdsDiscovery(clients, config), Set.of("configured"),
        t -> new TargetPoller(t, () -> poll, () -> TenantsConfig.DEFAULT,
            x -> new PgStatStatementsSource(PgEndpoint.of(x.name(), x.url(), x.user(), null)), store, writer,
            metrics, fleet, InstantSource.system(), new Backoff(poll.interval(), poll.interval(), new Random())),
        polls, fleet, metrics, new DiscoveryMetrics(metrics), InstantSource.system());
    logs.start();
    ((Logger) LoggerFactory.getLogger(DiscoveryLoop.class)).addAppender(logs);
  }

  @AfterEach
  void close() {
    ((Logger) LoggerFactory.getLogger(DiscoveryLoop.class)).detachAppender(logs);
    loop.close();
    polls.close();
    writer.close();
    store.close();
    clients.close();
    fake.close();
  }

  private static Instance dead(String id) {
    return Instance.postgres(id, "127.0.0.1", 1);
  }

  private String scrape() {
    return metrics.scrape(null).body();
  }

  private List<String> warnings() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void newInstancesArePolledAndGoneOnesForgotten() {
    fake.instances(dead("pg-1"), dead("pg-2")).instancesIn("eu-west-1", dead("eu-1"));
    loop.refresh();
    assertThat(loop.targets()).containsExactly("pg-1", "pg-2", "eu-1");
    assertThat(polls.targets()).containsExactly("pg-1", "pg-2", "eu-1");
    assertThat(fleet.origin("pg-1").discovered()).isTrue();
    assertThat(fleet.origin("pg-1").aws().orElseThrow().dbiResourceId()).contains("db-PG1RESID");
    assertThat(fleet.origin("configured").discovered()).isFalse();
    assertThat(scrape()).contains("earlybird_discovered_targets{region=\"us-east-1\"} 2",
        "earlybird_discovered_targets{region=\"eu-west-1\"} 1", "earlybird_target_up{target=\"pg-2\"} 0",
        "earlybird_discovery_duration_seconds_count{region=\"us-east-1\"} 1",
        "earlybird_discovery_last_success_timestamp_seconds{region=\"eu-west-1\"} ");
    assertThat(fake.requests()).extracting(FakeRds.Request::region).containsExactly("us-east-1", "eu-west-1");

    polls.start();
    fake.instances(dead("pg-1"));
    loop.refresh();
    assertThat(polls.targets()).containsExactly("pg-1", "eu-1");
    assertThat(fleet.get("pg-2")).isEmpty();
    assertThat(fleet.all()).extracting(s -> s.name()).containsExactly("configured", "eu-1", "pg-1");
    assertThat(scrape()).doesNotContain("target=\"pg-2\"").contains("target=\"pg-1\"")
        .contains("earlybird_discovered_targets{region=\"us-east-1\"} 1");
  }

  @Test
  void aFailedListingKeepsTheFleetAndAccessDeniedIsLoggedOnce() {
    fake.instances(dead("pg-1")).instancesIn("eu-west-1");
    loop.refresh();
    fake.failAlways("DescribeDBInstances", Failure.denied("rds:DescribeDBInstances"));
    loop.refresh();
    loop.refresh();
    loop.refresh();
    assertThat(polls.targets()).containsExactly("pg-1");
    assertThat(fleet.get("pg-1")).isPresent();
    assertThat(scrape()).contains("earlybird_discovery_errors_total{reason=\"permission\",region=\"us-east-1\"} 3.0",
        "earlybird_discovered_targets{region=\"us-east-1\"} 1");
    List<String> warnings = warnings();
    assertThat(warnings).hasSize(2); // one per region, not one per refresh
    assertThat(warnings.getFirst()).contains("discovery in us-east-1: access denied for rds:DescribeDBInstances",
        "keeping the 1 instance(s) of the last listing that worked");

    fake.heal().instances();
    loop.refresh();
    assertThat(polls.targets()).isEmpty();
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.equals("discovery in us-east-1 works again: 0 instance(s) found"));
  }

  @Test
  void throttlingIsCountedAndNeverDropsTheFleet() {
    fake.instances(dead("pg-1")).instancesIn("eu-west-1");
    loop.refresh();
    fake.failNext("DescribeDBInstances", 1, Failure.throttled());
    loop.refresh();
    assertThat(polls.targets()).containsExactly("pg-1");
    assertThat(scrape()).contains("earlybird_discovery_errors_total{reason=\"throttled\",region=\"us-east-1\"} 1.0")
        .doesNotContainPattern("earlybird_poll_errors_total\\{reason=\"throttled\"[^}]*\\} [1-9]"); // 0 from the start only
  }

  @Test
  void aFailingFirstListingStartsWithNothingAndThrowsNothing() {
    fake.instancesIn("eu-west-1").failAlways("DescribeDBInstances", Failure.throttled());
    loop.refresh();
    assertThat(loop.targets()).isEmpty();
    assertThat(fleet.all()).extracting(s -> s.name()).containsExactly("configured");
    fake.heal().instances(dead("pg-1"));
    loop.refresh();
    assertThat(loop.targets()).containsExactly("pg-1");
  }

  @Test
  void theStaticTargetOfTheSameNameWinsAndThatIsLoggedOnce() {
    fake.instances(dead("configured"), dead("pg-1")).instancesIn("eu-west-1");
    loop.refresh();
    loop.refresh();
    assertThat(loop.targets()).containsExactly("pg-1");
    assertThat(fleet.origin("configured").discovered()).isFalse();
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> m.contains("the static target wins")).hasSize(1);
  }

  @Test
  void anInstanceWhoseEndpointMovedIsReconnected() {
    fake.instancesIn("eu-west-1").instances(dead("pg-1"));
    loop.refresh();
    fake.instances(Instance.postgres("pg-1", "127.0.0.2", 1));
    loop.refresh();
    assertThat(polls.targets()).containsExactly("pg-1");
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.startsWith("target pg-1: its instance changed"));
  }

  @Test
  void refreshesOnItsOwnEveryInterval() {
    var config = new DiscoveryConfig(List.of("us-east-1"), Optional.of(fake.endpoint()), Map.of(), Map.of(),
        DiscoveryConfig.ENGINES, Duration.ofMillis(200),
        new TargetTemplate("{identifier}", "postgres", "earlybird", null, true, "", DatabaseFilter.defaults()));
    var fast = new DiscoveryLoop(new RdsDiscovery(clients, config), Set.of(), TargetConfigs::unused, polls, fleet,
        metrics, new DiscoveryMetrics(metrics), InstantSource.system());
    fast.start();
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> fake.calls("DescribeDBInstances") >= 3);
    } finally {
      fast.close();
    }
  }

  /** For loops that must never create a poller. */
  private static final class TargetConfigs {
    static TargetPoller unused(TargetConfig t) {
      throw new AssertionError("no instance is listed, so no poller is made: " + t);
    }
  }
}
