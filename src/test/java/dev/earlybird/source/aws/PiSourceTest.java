package dev.earlybird.source.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.QueryTextMode;
import dev.earlybird.model.Period;
import dev.earlybird.model.PiStatementLoad;
import dev.earlybird.model.PiWindow;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.aws.FakePi;
import dev.earlybird.testing.aws.FakePi.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/** The PI source with the real SDK client against a local endpoint speaking PI's wire protocol. */
class PiSourceTest {
  static final String DBI = "db-ABCDEFGHIJKLMNOPQRSTUVWXY";
  static final Period WINDOW = new Period(Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:01:00Z"));

  FakePi pi;
  AwsClients aws;

  @BeforeEach
  void start() throws Exception {
    pi = new FakePi();
  }

  @AfterEach
  void stop() {
    if (aws != null) {
      aws.close();
    }
    pi.close();
  }

  PiSource source(RetryStrategy retry) {
    aws = new AwsClients(AwsSettings.DEFAULT,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")), retry);
    return PiSource.of(aws);
  }

  AwsConfig link() {
    return new AwsConfig("us-east-1", Optional.of(DBI), Optional.empty(), Optional.of(pi.endpoint()));
  }

  static Digest digest(String id, String dbId, String text, double cpu, double io) {
    return new Digest(id, dbId, text, Map.of("CPU", cpu, "IO", io), 12.0, 4.5, 1.0);
  }

  @Test
  void readsDigestsWithTheirCpuPartDatabasesAndTimeline() throws Exception {
    pi.digests(DBI, List.of(
        digest("AAA1", "-5471422286312252535", "SELECT * FROM orders WHERE customer_id = ?", 1.5, 0.25),
        new Digest("BBB2", "pi-2372568224", "UPDATE stock SET qty = qty - ? WHERE id = ?", Map.of("Lock", 0.5),
            null, null, null)));
    pi.databases(DBI, Map.of("tenant_acme", 1.25, "tenant_umbrella", 0.5));

    PiWindow w = source(AwsRetryStrategy.doNotRetry()).read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount());

    assertThat(pi.violations()).isEmpty();
    assertThat(w.statementsComplete()).isTrue();
    PiStatementLoad orders = w.statements().get(0);
    // 1.5 sessions on CPU for 60 s is 90 s of CPU.
    assertThat(orders.cpuMs()).isCloseTo(90_000, within(1e-6));
    assertThat(orders.loadMs()).isCloseTo(105_000, within(1e-6));
    assertThat(orders.waitMs()).containsOnlyKeys("CPU", "IO");
    assertThat(orders.queryId()).hasValue(-5471422286312252535L);
    assertThat(orders.callsPerSec()).hasValue(12.0);
    assertThat(orders.latencyMs()).hasValue(4.5);
    PiStatementLoad stock = w.statements().get(1);
    assertThat(stock.queryId()).isEmpty();
    assertThat(stock.cpuMs()).isZero();
    assertThat(stock.callsPerSec()).isEmpty();
    assertThat(w.databases()).extracting(PiWindow.PiDatabaseLoad::database)
        .containsExactlyInAnyOrder("tenant_acme", "tenant_umbrella");
    // Timeline: PI stamps points at period ends; one series per wait type plus the total ("").
    assertThat(w.timeline()).extracting(PiWindow.PiPoint::waitType).contains("", "CPU", "IO", "Lock");
    assertThat(w.timeline()).allMatch(p -> p.at().equals(WINDOW.to()));
    var request = pi.requests("DescribeDimensionKeys").get(0).body();
    assertThat(request.path("GroupBy").path("Group").asText()).isEqualTo("db.sql_tokenized");
    assertThat(request.path("PartitionBy").path("Group").asText()).isEqualTo("db.wait_event_type");
    assertThat(request.path("StartTime").asDouble()).isEqualTo(WINDOW.from().getEpochSecond());
  }

  @Test
  void followsNextTokenOnEveryCall() throws Exception {
    List<Digest> many = java.util.stream.IntStream.range(0, 7)
        .mapToObj(i -> digest("D" + i, Long.toString(1000 + i), "SELECT " + i, 0.1, 0)).toList();
    pi.digests(DBI, many).databases(DBI, Map.of("a", 1.0, "b", 1.0, "c", 1.0)).pageSize(2);

    PiWindow w = source(AwsRetryStrategy.doNotRetry()).read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount());

    assertThat(w.statements()).hasSize(7);
    assertThat(w.databases()).hasSize(3);
    assertThat(w.timeline().stream().map(PiWindow.PiPoint::waitType).distinct()).containsExactlyInAnyOrder("", "CPU", "IO");
    assertThat(pi.requests("DescribeDimensionKeys")).hasSize(4 + 2);
    assertThat(pi.requests("GetResourceMetrics")).hasSize(2);
  }

  @Test
  void aFullTopListIsNotComplete() throws Exception {
    pi.digests(DBI, java.util.stream.IntStream.range(0, 5)
        .mapToObj(i -> digest("D" + i, Long.toString(i + 1), "SELECT " + i, 0.1, 0)).toList());

    PiWindow w = source(AwsRetryStrategy.doNotRetry()).read("aurora-1", link(), WINDOW, 60, 5, new ThrottleCount());

    // Five asked, five returned: a digest absent from this window may still have had load.
    assertThat(w.statementsComplete()).isFalse();
  }

  @Test
  void throttlingIsRetriedByTheSdkAndCounted() throws Exception {
    pi.digests(DBI, List.of(digest("AAA1", "42", "SELECT 1", 1, 0))).throttle(2);
    ThrottleCount throttles = new ThrottleCount();

    PiWindow w = source(AwsRetryStrategy.standardRetryStrategy()).read("aurora-1", link(), WINDOW, 60, 25, throttles);

    assertThat(w.statements()).hasSize(1);
    assertThat(throttles.takeThrottled()).isEqualTo(2);
  }

  @Test
  void accessDeniedNamesTheMissingAction() {
    pi.deny(DBI);
    PiSource source = source(AwsRetryStrategy.doNotRetry());

    assertThatThrownBy(() -> source.read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount()))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.reason()).isEqualTo(ErrorReason.PERMISSION);
          assertThat(e.getMessage()).contains("aurora-1", "pi:DescribeDimensionKeys").doesNotContain("SECRET");
        });
  }

  @Test
  void performanceInsightsOffIsNotEnabled() {
    pi.disable(DBI);
    PiSource source = source(AwsRetryStrategy.doNotRetry());

    assertThatThrownBy(() -> source.read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount()))
        .isInstanceOfSatisfying(SourceException.class,
            e -> assertThat(e.reason()).isEqualTo(ErrorReason.NOT_ENABLED));
  }

  @Test
  void keepsTruncatedTextAsPiSentIt() throws Exception {
    String longText = "SELECT " + "col_with_a_long_name, ".repeat(30);
    String cut = new String(longText.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 500,
        java.nio.charset.StandardCharsets.UTF_8);
    pi.digests(DBI, List.of(digest("AAA1", "pi-1", cut, 1, 0)));

    PiWindow w = source(AwsRetryStrategy.doNotRetry()).read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount());

    assertThat(w.statements().get(0).statement()).isEqualTo(cut);
  }

  @Test
  void digestTextsFollowPollQueryText() throws Exception {
    String text = "ALTER USER app PASSWORD 'pi-S3cr3t' /* app */";
    pi.digests(DBI, List.of(digest("AAA1", "pi-1", text, 1, 0)));
    source(AwsRetryStrategy.doNotRetry());

    assertThat(PiSource.of(aws).read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount()).statements().get(0)
        .statement()).isEqualTo("ALTER USER app PASSWORD '<redacted>' /* app */");
    assertThat(PiSource.of(aws, QueryTextMode.FULL).read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount())
        .statements().get(0).statement()).isEqualTo(text);
    assertThat(PiSource.of(aws, QueryTextMode.NONE).read("aurora-1", link(), WINDOW, 60, 25, new ThrottleCount())
        .statements().get(0).statement()).as("never joined by text").isEmpty();
  }
}
