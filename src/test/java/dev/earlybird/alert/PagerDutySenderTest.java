package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.alert.FakeHttpReceiver.Answer;
import dev.earlybird.config.Secret;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The PagerDuty receiver against an Events API v2 stand-in that checks the documented event contract. */
class PagerDutySenderTest {
  static final String KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

  private final FakeHttpReceiver pd = new FakeHttpReceiver(
      Answer.of(202, "{\"status\":\"success\",\"message\":\"Event processed\"}"), PagerDutySenderTest::violations);
  private final PagerDutySender sender = new PagerDutySender("pd", Optional.of(pd.url("/v2/enqueue")),
      new Secret(KEY), new Http(Duration.ofSeconds(2), Duration.ofMillis(500), InstantSource.fixed(NOW)));

  @AfterEach
  void stop() {
    pd.close();
  }

  /** What PagerDuty requires of an event (developer docs, Events API v2). */
  static List<String> violations(FakeHttpReceiver.Request r) {
    List<String> out = new ArrayList<>();
    JsonNode e;
    try {
      e = Payload.JSON.readTree(r.body());
    } catch (IOException ex) {
      return List.of("not JSON");
    }
    if (!"application/json".equals(r.header("Content-Type"))) {
      out.add("Content-Type");
    }
    if (!KEY.equals(e.path("routing_key").asText())) {
      out.add("routing_key");
    }
    String action = e.path("event_action").asText();
    if (!Set.of("trigger", "acknowledge", "resolve").contains(action)) {
      out.add("event_action");
    }
    String dedup = e.path("dedup_key").asText("");
    if (dedup.isEmpty() || dedup.length() > 255) {
      out.add("dedup_key");
    }
    if (action.equals("trigger")) {
      JsonNode p = e.path("payload");
      String summary = p.path("summary").asText("");
      if (summary.isEmpty() || summary.length() > 1024) {
        out.add("payload.summary length " + summary.length());
      }
      if (p.path("source").asText("").isEmpty()) {
        out.add("payload.source");
      }
      if (!Set.of("critical", "error", "warning", "info").contains(p.path("severity").asText())) {
        out.add("payload.severity");
      }
      e.path("links").forEach(l -> {
        if (!l.path("href").asText("").startsWith("http")) {
          out.add("links.href");
        }
      });
    }
    if (r.body().length > 512 * 1024) {
      out.add("over 512 KB");
    }
    return out;
  }

  @Test
  void aFiringAlertTriggersWithTheDedupKeyAndWhatOnCallNeeds() throws IOException {
    Delivery d = sender.send(TestPayloads.notification(TestPayloads.alert("firing", "acme", "Query got slower"), "dk-1"));

    assertThat(d).isEqualTo(new Delivery.Sent());
    assertThat(pd.lastViolations()).isEmpty();
    JsonNode e = Payload.JSON.readTree(pd.last().body());
    assertThat(e.path("event_action").asText()).isEqualTo("trigger");
    assertThat(e.path("dedup_key").asText()).isEqualTo("dk-1");
    JsonNode p = e.path("payload");
    assertThat(p.path("severity").asText()).isEqualTo("critical");
    assertThat(p.path("source").asText()).isEqualTo("aurora-prod-1");
    assertThat(p.path("component").asText()).isEqualTo("acme_app");
    assertThat(p.path("group").asText()).isEqualTo("acme");
    assertThat(p.path("summary").asText()).contains("critical regression on aurora-prod-1/acme_app", "Query got slower");
    assertThat(p.path("custom_details").path("queryid").asText()).isEqualTo("-5477190318465443");
    assertThat(p.path("custom_details").path("evidence").asText()).contains("from 1.20 ms to 3.90 ms (x3.25)");
    assertThat(e.path("links").get(0).path("href").asText()).isEqualTo("https://earlybird.example.com/findings/f1");
  }

  @Test
  void aResolveCarriesTheSameDedupKey() throws IOException {
    sender.send(TestPayloads.notification(TestPayloads.alert("firing", "acme", "s"), "dk-2"));
    Delivery d = sender.send(TestPayloads.notification(TestPayloads.alert("resolved", "acme", "s"), "dk-2"));

    assertThat(d).isEqualTo(new Delivery.Sent());
    assertThat(pd.lastViolations()).isEmpty();
    JsonNode e = Payload.JSON.readTree(pd.last().body());
    assertThat(e.path("event_action").asText()).isEqualTo("resolve");
    assertThat(e.path("dedup_key").asText()).isEqualTo("dk-2");
  }

  @Test
  void aLongSummaryAndDedupKeyAreCutToPagerDutysLimits() throws IOException {
    String summary = "😀".repeat(800); // 1600 UTF-16 chars; a cut must not split a pair
    Delivery d = sender.send(TestPayloads.notification(TestPayloads.alert("firing", "acme", summary), "k".repeat(300)));

    assertThat(d).isEqualTo(new Delivery.Sent());
    assertThat(pd.lastViolations()).isEmpty();
    JsonNode e = Payload.JSON.readTree(pd.last().body());
    String sent = e.path("payload").path("summary").asText();
    assertThat(sent).hasSizeLessThanOrEqualTo(1024).endsWith("…");
    assertThat(Character.isHighSurrogate(sent.charAt(sent.length() - 2))).isFalse();
    assertThat(e.path("dedup_key").asText()).hasSize(64).isEqualTo(PagerDutySender.dedupKey("k".repeat(300)));
  }

  @Test
  void answersBecomeDeliveries() {
    pd.thenAnswer(Answer.of(400, "{\"status\":\"invalid event\",\"errors\":[\"'payload.summary' is missing\"]}"))
        .thenAnswer(new Answer(429, Map.of("Retry-After", "30"), "", false))
        .thenAnswer(Answer.of(429, ""))
        .thenAnswer(Answer.of(503, "unavailable"))
        .thenAnswer(Answer.hanging());
    var n = TestPayloads.notification(TestPayloads.alert("firing", "acme", "s"), "dk-3");

    assertThat(sender.send(n)).isInstanceOfSatisfying(Delivery.Rejected.class,
        r -> assertThat(r.error()).contains("HTTP 400", "payload.summary").doesNotContain(KEY));
    assertThat(sender.send(n)).isEqualTo(new Delivery.Retry(Optional.of(Duration.ofSeconds(30)),
        "PagerDuty throttled events for this routing key (HTTP 429)"));
    assertThat(sender.send(n)).isInstanceOfSatisfying(Delivery.Retry.class,
        r -> assertThat(r.after()).contains(PagerDutySender.THROTTLED));
    assertThat(sender.send(n)).isInstanceOfSatisfying(Delivery.Retry.class,
        r -> assertThat(r.error()).contains("HTTP 503").doesNotContain(KEY));
    assertThat(sender.send(n)).isInstanceOfSatisfying(Delivery.Retry.class,
        r -> assertThat(r.error()).contains("did not answer in time").doesNotContain("/v2/enqueue"));
  }

  @Test
  void aDownReceiverIsRetried() {
    pd.close();
    assertThat(sender.send(TestPayloads.notification(TestPayloads.alert("firing", "acme", "s"), "dk")))
        .isInstanceOfSatisfying(Delivery.Retry.class, r -> assertThat(r.error()).contains("refused"));
  }

  @Test
  void reviewsAreNotPages() {
    assertThat(sender.send(TestPayloads.notification(TestPayloads.review(1, 1, 20), "r1")))
        .isEqualTo(new Delivery.Rejected("pagerduty receives alerts, not review digests; route type: review to a "
            + "slack, email or webhook receiver"));
    assertThat(pd.requests).isEmpty();
  }

  @Test
  void checkLooksAtTheKeyAndTheHostWithoutSendingAnEvent() {
    assertThat(sender.check().ok()).isTrue();
    var bad = new PagerDutySender("pd", Optional.of(pd.url("/v2/enqueue")), new Secret("short"));
    assertThat(bad.check()).satisfies(c -> {
      assertThat(c.ok()).isFalse();
      assertThat(c.detail()).contains("not a 32-character integration key").doesNotContain("short");
    });
    var unresolvable = new PagerDutySender("pd", Optional.of(java.net.URI.create("https://no-such-host.invalid/v2/enqueue")),
        new Secret(KEY));
    assertThat(unresolvable.check().ok()).isFalse();
    assertThat(pd.requests).isEmpty();
  }

  @Test
  void severitiesMap() {
    assertThat(PagerDutySender.severity("critical")).isEqualTo("critical");
    assertThat(PagerDutySender.severity("warning")).isEqualTo("warning");
    assertThat(PagerDutySender.severity("info")).isEqualTo("info");
    assertThat(PagerDutySender.severity("?")).isEqualTo("warning");
  }
}
