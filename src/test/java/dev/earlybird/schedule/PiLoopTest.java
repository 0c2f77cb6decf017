package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.DatabaseFilter;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.PiMetrics;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.PiSource;
import dev.earlybird.testing.aws.FakePi;
import dev.earlybird.testing.aws.FakePi.Digest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/** The PI loop against a real store and the SDK talking to a local PI endpoint, on a clock the test moves. */
class PiLoopTest {
  static final String DBI = "db-LOOPTEST";
  @TempDir Path dir;
  FakePi pi;
  JdbcHistoryStore store;
  HistoryWriter writer;
  AwsClients aws;
  AgentMetrics metrics;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-20T10:10:30Z"));

  @BeforeEach
  void open() throws Exception {
    pi = new FakePi();
    pi.digests(DBI, List.of(new Digest("D1", "42", "SELECT ?", Map.of("CPU", 1.0), 1.0, 1.0, 1.0)));
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
    writer = new HistoryWriter(store, 16);
    aws = new AwsClients(AwsSettings.DEFAULT, StaticCredentialsProvider.create(AwsBasicCredentials.create("A", "S")),
        AwsRetryStrategy.doNotRetry());
    metrics = new AgentMetrics("test");
  }

  @AfterEach
  void close() {
    aws.close();
    writer.close();
    store.close();
    pi.close();
  }

  PiLoop loop(List<TargetConfig> targets) {
    InstantSource clock = () -> now.get();
    return new PiLoop(() -> targets, PiSource.of(aws), store, writer, metrics, new PiMetrics(metrics),
        AwsSettings.DEFAULT, Duration.ofSeconds(60), clock);
  }

  TargetConfig target(String name, String dbi) {
    return new TargetConfig(name, "jdbc:postgresql://127.0.0.1:1/postgres", null, null, DatabaseFilter.defaults(),
        Optional.of(new AwsConfig("us-east-1", Optional.of(dbi), Optional.empty(), Optional.of(pi.endpoint()))));
  }

  @Test
  void readsEachWindowOnceAndResumesFromTheStore() {
    PiLoop loop = loop(List.of(target("a", DBI)));
    loop.round();
    // 10:10:30 minus a poll and 5 s, aligned down: the first window is the minute before 10:09.
    assertThat(store.lastPiWindowEnd("a")).contains(Instant.parse("2026-11-20T10:09:00Z"));
    loop.round();
    assertThat(pi.requests("DescribeDimensionKeys")).hasSize(2);

    now.set(now.get().plusSeconds(180));
    loop.round();
    assertThat(store.lastPiWindowEnd("a")).contains(Instant.parse("2026-11-20T10:12:00Z"));
    // A new loop (a restarted agent) starts where the store ends.
    loop(List.of(target("a", DBI))).round();
    assertThat(pi.requests("DescribeDimensionKeys").stream()
        .filter(r -> r.body().path("GroupBy").path("Group").asText().equals("db.sql_tokenized"))
        .map(r -> r.body().path("StartTime").asLong()))
        .doesNotHaveDuplicates();
    assertThat(pi.violations()).isEmpty();
  }

  @Test
  void aDeniedTargetIsCountedWithoutStoppingTheOthers() {
    pi.deny("db-DENIED");
    PiLoop loop = loop(List.of(target("denied", "db-DENIED"), target("a", DBI)));
    loop.round();
    loop.round();

    assertThat(store.lastPiWindowEnd("a")).isPresent();
    assertThat(store.lastPiWindowEnd("denied")).isEmpty();
    String scrape = metrics.scrape("text/plain").body();
    assertThat(scrape).contains(
        "earlybird_poll_errors_total{reason=\"permission\",source=\"performance_insights\",target=\"denied\"} 2.0");
  }

  @Test
  void throttlingIsRetriedAndCountedPerTarget() {
    aws.close();
    aws = new AwsClients(AwsSettings.DEFAULT, StaticCredentialsProvider.create(AwsBasicCredentials.create("A", "S")),
        AwsRetryStrategy.standardRetryStrategy());
    pi.throttle(2);
    PiLoop loop = loop(List.of(target("a", DBI)));
    loop.round();

    assertThat(store.lastPiWindowEnd("a")).isPresent();
    assertThat(metrics.scrape("text/plain").body()).contains(
        "earlybird_poll_errors_total{reason=\"throttled\",source=\"performance_insights\",target=\"a\"} 2.0");
  }
}
