package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.earlybird.testing.Alertmanager;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Alertmanager receiver against the real Alertmanager of Debian's package, as Prometheus would use it. */
class AlertmanagerSenderIT {
  private final Alertmanager am = Alertmanager.shared();
  private final AlertmanagerSender sender = new AlertmanagerSender("am", am.baseUrl(), Duration.ofMinutes(1));
  /** Each test's own tenant label: the Alertmanager is shared. */
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  private JsonNode active(String tenant) {
    return am.alerts("tenant=\"" + tenant + "\"");
  }

  @Test
  void aFiringAlertAppearsWithOurLabelsAndAResolveEndsIt() {
    ObjectNode firing = TestPayloads.alert("firing", tenant, "Query got slower " + TestPayloads.HOSTILE);
    assertThat(sender.send(TestPayloads.notification(firing, "k"))).isEqualTo(new Delivery.Sent());

    JsonNode alert = await().atMost(Duration.ofSeconds(10)).until(() -> active(tenant), a -> a.size() == 1).get(0);
    assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("EarlybirdRegression");
    assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(alert.path("labels").path("stage").asText()).isEqualTo("found");
    assertThat(alert.path("labels").path("queryid").asText()).isEqualTo("-5477190318465443");
    assertThat(alert.path("labels").path("fingerprint").asText()).isEqualTo("fp-" + tenant);
    assertThat(alert.path("annotations").path("summary").asText()).contains("<!channel>");
    assertThat(alert.path("generatorURL").asText()).isEqualTo("https://earlybird.example.com/findings/f1");
    assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
    assertThat(alert.path("startsAt").asText()).startsWith("2026-12-07T05:00:00");

    ObjectNode resolved = TestPayloads.alert("resolved", tenant, "Query got slower");
    assertThat(sender.send(TestPayloads.notification(resolved, "k"))).isEqualTo(new Delivery.Sent());
    await().atMost(Duration.ofSeconds(10)).until(() -> active(tenant).isEmpty());
  }

  @Test
  void resendPostsFiringAlertsInOneBatch() {
    String other = tenant + "-b";
    var batch = List.of(
        TestPayloads.notification(TestPayloads.alert("firing", tenant, "one"), "k1"),
        TestPayloads.notification(TestPayloads.alert("firing", other, "two"), "k2"),
        TestPayloads.notification(TestPayloads.review(1, 1, 10), "r"));
    assertThat(sender.resend(batch)).isEqualTo(new Delivery.Sent());

    await().atMost(Duration.ofSeconds(10)).until(() -> active(tenant).size() == 1 && active(other).size() == 1);
    // Resolve them again so the shared Alertmanager holds nothing of ours.
    sender.send(TestPayloads.notification(TestPayloads.alert("resolved", tenant, "one"), "k1"));
    sender.send(TestPayloads.notification(TestPayloads.alert("resolved", other, "two"), "k2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> active(tenant).isEmpty() && active(other).isEmpty());
  }

  @Test
  void anAlertAlertmanagerRefusesIsRejected() {
    ObjectNode bad = TestPayloads.alert("firing", tenant, "s");
    ((ObjectNode) bad.path("labels")).put("not-a-label-name", "x");
    assertThat(sender.send(TestPayloads.notification(bad, "k"))).isInstanceOfSatisfying(Delivery.Rejected.class,
        r -> assertThat(r.error()).contains("HTTP 400"));
    assertThat(active(tenant)).isEmpty();
  }

  @Test
  void reviewsAreNotAlerts() {
    assertThat(sender.send(TestPayloads.notification(TestPayloads.review(1, 1, 10), "r")))
        .isInstanceOf(Delivery.Rejected.class);
  }

  @Test
  void checkAsksReadiness() {
    assertThat(sender.check().ok()).isTrue();
    var down = new AlertmanagerSender("am", URI.create("http://127.0.0.1:1"), Duration.ofMinutes(1));
    assertThat(down.check()).satisfies(c -> {
      assertThat(c.ok()).isFalse();
      assertThat(c.detail()).contains("127.0.0.1:1");
    });
    assertThat(down.send(TestPayloads.notification(TestPayloads.alert("firing", tenant, "s"), "k")))
        .isInstanceOf(Delivery.Retry.class);
  }
}
