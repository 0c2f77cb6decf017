package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.alert.FakeHttpReceiver.Answer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Slack receiver against an incoming-webhook stand-in that checks Block Kit's limits and mrkdwn escaping. */
class SlackSenderTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T06:00:00Z"));
  private final FakeHttpReceiver slack = new FakeHttpReceiver(Answer.of(200, "ok"), SlackSenderTest::violations);
  private final SlackSender sender = new SlackSender("dbas", slack.url("/services/T000/B000/s3cretT0ken"),
      new Http(Duration.ofSeconds(2), Duration.ofMillis(500), now::get));

  @AfterEach
  void stop() {
    slack.close();
  }

  /** Slack's documented limits, and that nothing from the payload reaches mrkdwn unescaped. */
  static List<String> violations(FakeHttpReceiver.Request r) {
    List<String> out = new ArrayList<>();
    if (r.text().length() >= 12_000) {
      out.add("message of " + r.text().length() + " chars");
    }
    JsonNode m;
    try {
      m = Payload.JSON.readTree(r.body());
    } catch (IOException e) {
      return List.of("not JSON");
    }
    if (m.path("text").asText("").isEmpty()) {
      out.add("no fallback text");
    }
    JsonNode blocks = m.path("blocks");
    if (blocks.size() > 50) {
      out.add(blocks.size() + " blocks");
    }
    List<String> mrkdwn = new ArrayList<>(List.of(m.path("text").asText()));
    for (JsonNode b : blocks) {
      String type = b.path("type").asText();
      String text = b.path("text").path("text").asText("");
      switch (type) {
        case "header" -> {
          if (text.length() > 150 || !b.path("text").path("type").asText().equals("plain_text")) {
            out.add("header");
          }
        }
        case "section" -> {
          if (text.isEmpty() || text.length() > 3000) {
            out.add("section text of " + text.length() + " chars");
          }
          mrkdwn.add(text);
        }
        default -> out.add("unexpected block " + type);
      }
    }
    for (String t : mrkdwn) {
      // The only < > allowed are our own link to Earlybird; a '&' must start an entity.
      String rest = t.replaceAll("<https://earlybird\\.example\\.com/[^|<>]*\\|Open in Earlybird>", "");
      if (rest.contains("<") || rest.contains(">") || rest.matches("(?s).*&(?!amp;|lt;|gt;).*")) {
        out.add("unescaped mrkdwn: " + Texts.cut(rest, 80));
      }
    }
    return out;
  }

  @Test
  void anAlertIsOneReadableEscapedMessage() throws IOException {
    var payload = TestPayloads.alert("firing", "acme", "Regression of " + TestPayloads.HOSTILE);
    assertThat(sender.send(TestPayloads.notification(payload, "k"))).isEqualTo(new Delivery.Sent());

    assertThat(slack.lastViolations()).isEmpty();
    String all = slack.last().text();
    assertThat(all).contains("FIRING: critical regression on aurora-prod-1/acme_app", "Tenant: acme",
        "stage: found", "queryid -5477190318465443", "from 1.20 ms to 3.90 ms (x3.25)",
        "Extra database time: 42.5 s per hour", "Compared with the seasonal baseline, p-value 0.0001",
        "&lt;!channel&gt;", "&lt;script&gt;", "<https://earlybird.example.com/findings/f1|Open in Earlybird>");
    assertThat(all).doesNotContain("<!channel>", "<script>");
  }

  @Test
  void aHugeReviewStaysWithinSlacksLimits() {
    var review = TestPayloads.review(200, 300, 5000);
    assertThat(sender.send(TestPayloads.notification(review, "r"))).isEqualTo(new Delivery.Sent());

    assertThat(slack.lastViolations()).isEmpty();
    String all = slack.last().text();
    assertThat(all).contains("Earlybird morning review: tenant acme, Tue 8 Dec (150 regressions, 150 other findings, "
        + "forecast 85% CPU)", "Hot statements", "more_", "CPU forecast");
  }

  @Test
  void anAlertWithHugeFieldsStaysWithinSlacksLimits() {
    String huge = (TestPayloads.HOSTILE + "\n").repeat(400);
    var payload = TestPayloads.alert("firing", huge, huge);
    payload.with("annotations").put("description", huge);
    payload.with("finding").put("query", huge);
    assertThat(sender.send(TestPayloads.notification(payload, "k"))).isEqualTo(new Delivery.Sent());
    assertThat(slack.lastViolations()).isEmpty();
  }

  @Test
  void anEmptyReviewStillReads() throws IOException {
    var review = Payload.JSON.createObjectNode().put("type", "review");
    review.putObject("review").put("tenant", "acme");
    assertThat(sender.send(TestPayloads.notification(review, "r"))).isEqualTo(new Delivery.Sent());
    assertThat(slack.lastViolations()).isEmpty();
    assertThat(slack.last().text()).contains("Hot statements*\\n• none");
  }

  @Test
  void atMostOneMessagePerSecond() {
    var n = TestPayloads.notification(TestPayloads.alert("firing", "acme", "s"), "k");
    assertThat(sender.send(n)).isEqualTo(new Delivery.Sent());
    now.set(now.get().plusMillis(300));
    assertThat(sender.send(n)).isEqualTo(new Delivery.NotYet(Duration.ofMillis(700)));
    assertThat(slack.requests).hasSize(1);
    now.set(now.get().plusMillis(700));
    assertThat(sender.send(n)).isEqualTo(new Delivery.Sent());
  }

  @Test
  void answersBecomeDeliveriesWithoutTheWebhookPath() {
    slack.thenAnswer(Answer.of(400, "invalid_payload"))
        .thenAnswer(Answer.of(404, "no_service"))
        .thenAnswer(new Answer(429, Map.of("Retry-After", "7"), "", false))
        .thenAnswer(Answer.of(500, ""))
        .thenAnswer(Answer.hanging());
    var n = TestPayloads.notification(TestPayloads.alert("firing", "acme", "s"), "k");
    List<Delivery> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      now.set(now.get().plusSeconds(2));
      got.add(sender.send(n));
    }

    assertThat(got.get(0)).isEqualTo(new Delivery.Rejected("Slack 127.0.0.1 answered HTTP 400: invalid_payload"));
    assertThat(got.get(1)).isInstanceOfSatisfying(Delivery.Rejected.class,
        r -> assertThat(r.error()).contains("no_service"));
    assertThat(got.get(2)).isInstanceOfSatisfying(Delivery.Retry.class,
        r -> assertThat(r.after()).contains(Duration.ofSeconds(7)));
    assertThat(got.get(3)).isInstanceOfSatisfying(Delivery.Retry.class, r -> assertThat(r.after()).isEmpty());
    assertThat(got.get(4)).isInstanceOf(Delivery.Retry.class);
    assertThat(got).allSatisfy(d -> assertThat(d.toString()).doesNotContain("s3cretT0ken", "/services"));
  }

  @Test
  void checkSendsNothing() {
    assertThat(sender.check().ok()).isTrue();
    assertThat(sender.check().detail()).doesNotContain("s3cretT0ken");
    var plainHttp = new SlackSender("s", java.net.URI.create("http://hooks.slack.com/services/T/B/x"));
    assertThat(plainHttp.check()).satisfies(c -> assertThat(c.ok()).isFalse());
    assertThat(slack.requests).isEmpty();
  }

  @Test
  void cuttingEscapedTextNeverLeavesHalfAnEntity() {
    String escaped = SlackMessage.escape("a&b".repeat(10));
    for (int max = 2; max < escaped.length(); max++) {
      String cut = SlackMessage.cutEscaped(escaped, max);
      assertThat(cut).hasSizeLessThanOrEqualTo(max).doesNotContainPattern("&(?!amp;)");
    }
    assertThat(Optional.of(SlackMessage.escape("<a> & b"))).contains("&lt;a&gt; &amp; b");
  }
}
