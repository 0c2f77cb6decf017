package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.Secret;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.Alerting;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.NewNotification;
import dev.earlybird.history.OutboxEntry;
import dev.earlybird.history.Silence;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.AlertMetrics;
import dev.earlybird.model.LabelMatcher;
import dev.earlybird.testing.NotificationSink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox dispatcher with the real webhook sender against a receiver on loopback and a real store: order per
 * receiver, backoff while the receiver is down, giving up after alerts.maxAge, refusals, silences at send time,
 * inhibition while a target is down, and a restart that goes on where the last process stopped.
 */
class DispatcherTest {
  static final Instant T0 = Instant.parse("2026-12-08T03:00:00Z");
  static final String SECRET = "s3cret-for-the-hook";

  @TempDir Path dir;
  JdbcHistoryStore store;
  Alerting alerting;
  NotificationSink sink;
  AgentMetrics metrics = new AgentMetrics("test");
  AlertMetrics alertMetrics;
  Instant now = T0;
  final Set<String> down = new HashSet<>();

  @BeforeEach
  void open() throws Exception {
    store = DuckDbHistoryStore.open(dir.resolve("d.duckdb"), () -> now);
    alerting = store.alerting();
    sink = new NotificationSink(SECRET);
    alertMetrics = new AlertMetrics(metrics, () -> now);
  }

  @AfterEach
  void close() {
    sink.close();
    store.close();
  }

  Dispatcher dispatcher() {
    Sender hook = new WebhookSender("hook", URI.create(sink.url()), Optional.of(new Secret(SECRET)));
    return new Dispatcher(alerting.outbox(), alerting.alerts(), alerting.silences(), List.of(hook),
        Duration.ofHours(1), Duration.ofMinutes(1), down::contains, alertMetrics, () -> now, new Random(1));
  }

  void enqueue(String ref, String status, String tenant) {
    String payload = "{\"type\":\"alert\",\"status\":\"" + status + "\",\"labels\":{\"tenant\":\"" + tenant
        + "\",\"target\":\"pg1\",\"fingerprint\":\"" + ref + "\"},\"annotations\":{\"summary\":\"s\"}}";
    alerting.alerts().record(new AlertWrites(List.of(),
        List.of(new NewNotification("hook", "alert", ref + ":found", status, ref, payload, now))));
  }

  List<String> received() {
    return sink.accepted().stream().map(r -> r.json().get("labels").get("fingerprint").asText() + "/"
        + r.json().get("status").asText()).toList();
  }

  String scrape() {
    return metrics.scrape("text/plain").body();
  }

  @Test
  void eachReceiverGetsItsNotificationsInOrderSigned() {
    enqueue("a", "firing", "acme");
    enqueue("b", "firing", "acme");
    enqueue("a", "resolved", "acme");
    dispatcher().round();
    assertThat(received()).containsExactly("a/firing", "b/firing", "a/resolved");
    assertThat(sink.accepted()).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
    assertThat(alerting.outbox().heads()).isEmpty();
    assertThat(scrape()).contains("earlybird_alert_notifications_total{outcome=\"sent\",receiver=\"hook\"} 3.0")
        .contains("earlybird_alert_notifications_total{outcome=\"failed\",receiver=\"hook\"} 0.0")
        .contains("earlybird_alert_outbox_pending{receiver=\"hook\"} 0.0");
  }

  @Test
  void aReceiverThatIsDownIsRetriedWithBackoffAndNothingOvertakesTheNotificationWaiting() {
    enqueue("a", "firing", "acme");
    enqueue("a", "resolved", "acme");
    sink.answer(503);
    Dispatcher d = dispatcher();
    d.round();
    OutboxEntry head = alerting.outbox().heads().get(0);
    assertThat(head.attempts()).isEqualTo(1);
    assertThat(head.lastError()).hasValueSatisfying(e -> assertThat(e).contains("503"));
    assertThat(head.nextAttemptAt()).isAfter(now);
    assertThat(sink.attempts()).isEqualTo(1);
    // Before the backoff ends nothing is tried, and the resolve waits behind its firing.
    d.round();
    assertThat(sink.attempts()).isEqualTo(1);
    assertThat(scrape()).contains("earlybird_alert_outbox_pending{receiver=\"hook\"} 2.0");

    // Ten minutes of outage: attempts spread out by the backoff, then the receiver is back.
    for (int i = 0; i < 600; i++) {
      now = now.plusSeconds(1);
      d.round();
    }
    int tries = sink.attempts();
    assertThat(tries).isBetween(4, 12);
    sink.answer(200);
    now = now.plus(Duration.ofMinutes(6));
    d.round();
    assertThat(received()).containsExactly("a/firing", "a/resolved");
    assertThat(scrape()).contains("earlybird_alert_notifications_total{outcome=\"sent\",receiver=\"hook\"} 2.0");
  }

  @Test
  void aNotificationNotDeliveredWithinMaxAgeIsGivenUpAndCounted() {
    enqueue("a", "firing", "acme");
    enqueue("b", "firing", "acme");
    sink.answer(500);
    Dispatcher d = dispatcher();
    d.round();
    now = now.plus(Duration.ofMinutes(61));
    sink.answer(200);
    d.round();
    // Both are older than an hour by now: both given up, nothing sent.
    assertThat(received()).isEmpty();
    assertThat(scrape()).contains("earlybird_alert_notifications_total{outcome=\"failed\",receiver=\"hook\"} 2.0");
    assertThat(alerting.outbox().deliveries("a:found")).singleElement().satisfies(e -> {
      assertThat(e.outcome()).contains("failed");
      assertThat(e.lastError()).hasValueSatisfying(m -> assertThat(m).contains("alerts.maxAge"));
    });
  }

  @Test
  void aRefusalIsNotRetriedAndTheNextNotificationGoes() {
    enqueue("a", "firing", "acme");
    sink.answer(400);
    Dispatcher d = dispatcher();
    d.round();
    assertThat(alerting.outbox().heads()).isEmpty();
    assertThat(sink.attempts()).isEqualTo(1);
    sink.answer(200);
    enqueue("b", "firing", "acme");
    d.round();
    assertThat(received()).containsExactly("b/firing");
    assertThat(scrape()).contains("earlybird_alert_notifications_total{outcome=\"failed\",receiver=\"hook\"} 1.0");
  }

  @Test
  void aSilenceCreatedAfterTheAlertWasRaisedStillKeepsItFromBeingSent() {
    enqueue("a", "firing", "acme");
    enqueue("b", "firing", "globex");
    alerting.silences().add(new Silence("s1", List.of(LabelMatcher.equal("tenant", "acme")), now,
        now.plusSeconds(3600), "jane", "", now));
    dispatcher().round();
    assertThat(received()).containsExactly("b/firing");
    assertThat(alerting.outbox().deliveries("a:found")).singleElement()
        .satisfies(e -> assertThat(e.outcome()).contains("suppressed"));
  }

  @Test
  void firingAlertsOfATargetThatIsDownAreHeldUntilItIsBack() {
    down.add("pg1");
    enqueue("a", "firing", "acme");
    Dispatcher d = dispatcher();
    d.round();
    assertThat(sink.attempts()).isZero();
    down.clear();
    now = now.plus(Duration.ofMinutes(1));
    d.round();
    assertThat(received()).containsExactly("a/firing");
  }

  @Test
  void aRestartedDispatcherGoesOnWhereTheLastOneStopped() {
    enqueue("a", "firing", "acme");
    sink.answer(503);
    dispatcher().round();
    store.close();
    store = DuckDbHistoryStore.open(dir.resolve("d.duckdb"), () -> now);
    alerting = store.alerting();
    sink.answer(200);
    now = now.plus(Duration.ofMinutes(5));
    dispatcher().round();
    assertThat(received()).containsExactly("a/firing");
    assertThat(alerting.outbox().deliveries("a:found")).singleElement().satisfies(e -> {
      assertThat(e.outcome()).contains("sent");
      assertThat(e.attempts()).isEqualTo(2); // the failed one before the restart, the one after
    });
  }
}
