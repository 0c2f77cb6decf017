package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.alert.FakeHttpReceiver.Answer;
import dev.earlybird.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook receiver: the payload as it is, timestamped and signed so a receiver can verify it. */
class WebhookSenderTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
  private final FakeHttpReceiver hook = new FakeHttpReceiver(Answer.of(204, ""), r -> List.of());
  private final Http http = new Http(Duration.ofSeconds(2), Duration.ofMillis(500), InstantSource.fixed(NOW));
  private final Secret secret = new Secret("hook-s3cret");

  @AfterEach
  void stop() {
    hook.close();
  }

  /** What a receiver in another language does: HMAC-SHA256 over "timestamp.body" with the shared secret. */
  static String expectedSignature(String secret, String timestamp, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void postsThePayloadAsItIsSigned() throws Exception {
    var n = TestPayloads.notification(TestPayloads.alert("firing", "acme", "ünïcode " + TestPayloads.HOSTILE), "k");
    var sender = new WebhookSender("hook", hook.url("/in/t0ken?x=1"), Optional.of(secret), http);

    assertThat(sender.send(n)).isEqualTo(new Delivery.Sent());
    var r = hook.last();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/in/t0ken?x=1");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.text()).isEqualTo(n.payload());
    String timestamp = r.header("X-Earlybird-Timestamp");
    assertThat(timestamp).isEqualTo(Long.toString(NOW.getEpochSecond()));
    String signature = r.header("X-Earlybird-Signature");
    assertThat(signature).isEqualTo(expectedSignature("hook-s3cret", timestamp, r.body()))
        .matches("sha256=[0-9a-f]{64}");
    assertThat(WebhookSignature.verify(secret, NOW.getEpochSecond(), r.body(), signature)).isTrue();

    byte[] tampered = r.text().replace("acme", "evil").getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify(secret, NOW.getEpochSecond(), tampered, signature)).isFalse();
    assertThat(WebhookSignature.verify(secret, NOW.getEpochSecond() + 1, r.body(), signature)).isFalse();
    assertThat(WebhookSignature.verify(new Secret("other"), NOW.getEpochSecond(), r.body(), signature)).isFalse();
  }

  @Test
  void withoutASecretThereIsNoSignature() {
    var sender = new WebhookSender("hook", hook.url("/"), Optional.empty(), http);
    assertThat(sender.send(TestPayloads.notification(TestPayloads.review(2, 2, 30), "r"))).isEqualTo(new Delivery.Sent());
    assertThat(hook.last().header("X-Earlybird-Signature")).isNull();
    assertThat(hook.last().header("X-Earlybird-Timestamp")).isNotNull();
  }

  @Test
  void answersBecomeDeliveriesWithoutThePath() {
    hook.thenAnswer(Answer.of(422, "bad")).thenAnswer(Answer.of(408, "")).thenAnswer(Answer.of(429, ""))
        .thenAnswer(Answer.of(502, "")).thenAnswer(Answer.of(200, "")).thenAnswer(Answer.hanging());
    var sender = new WebhookSender("hook", hook.url("/in/t0ken"), Optional.of(secret), http);
    var n = TestPayloads.notification(TestPayloads.alert("resolved", "acme", "s"), "k");

    assertThat(sender.send(n)).isInstanceOf(Delivery.Rejected.class);
    assertThat(sender.send(n)).isInstanceOf(Delivery.Retry.class);
    assertThat(sender.send(n)).isInstanceOf(Delivery.Retry.class);
    assertThat(sender.send(n)).isInstanceOf(Delivery.Retry.class);
    assertThat(sender.send(n)).isEqualTo(new Delivery.Sent());
    Delivery timedOut = sender.send(n);
    assertThat(timedOut).isInstanceOf(Delivery.Retry.class);
    assertThat(timedOut.toString()).doesNotContain("t0ken", "hook-s3cret");
    assertThat(sender.check().ok()).isTrue();
  }
}
