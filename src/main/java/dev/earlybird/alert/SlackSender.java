package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.history.NewNotification;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A Slack incoming webhook: one readable message per alert and per morning review. Keeps to Slack's one message
 * per second per webhook by answering {@link Delivery.NotYet} rather than sending faster. The webhook URL is the
 * credential, so errors name its host only.
 */
public final class SlackSender extends RenderingSender {
  static final Duration MIN_GAP = Duration.ofSeconds(1);

  private final URI webhook;
  private final Http http;
  private Instant lastAttempt = Instant.MIN;

  public SlackSender(String receiver, URI webhook) {
    this(receiver, webhook, Http.standard());
  }

  SlackSender(String receiver, URI webhook, Http http) {
    super(receiver, false);
    this.webhook = Objects.requireNonNull(webhook, "webhook");
    this.http = Objects.requireNonNull(http, "http");
  }

  @Override
  Delivery send(NewNotification notification, JsonNode payload) {
    Instant now = http.clock().instant();
    Duration since = lastAttempt == Instant.MIN ? MIN_GAP : Duration.between(lastAttempt, now);
    if (since.compareTo(MIN_GAP) < 0) {
      return new Delivery.NotYet(MIN_GAP.minus(since));
    }
    lastAttempt = now;
    JsonNode message = Payload.isReview(payload)
        ? SlackMessage.digest(Digest.of(payload))
        : SlackMessage.alert(AlertView.of(payload));
    byte[] body = message.toString().getBytes(StandardCharsets.UTF_8);
    // Slack's error bodies are short codes (invalid_payload, no_service), safe to show.
    return http.exchange(http.postJson(webhook, body).build(),
        r -> r.statusCode() == 200 ? new Delivery.Sent() : http.failed(r, "Slack " + webhook.getHost()));
  }

  /** Nothing is posted (a test message would reach a channel): the URL's form and its host are checked. */
  @Override
  public Check check() {
    return urlCheck(webhook, "Slack webhook");
  }

  /** https, or http to a loopback address (a local relay); and the host resolves. */
  static Check urlCheck(URI url, String what) {
    String host = url.getHost();
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      boolean loopback = addresses.length > 0 && addresses[0].isLoopbackAddress();
      if (!url.getScheme().toLowerCase(Locale.ROOT).equals("https") && !loopback) {
        return new Check(false, what + " URL is not https; use the https:// URL (plain http only to a loopback relay)");
      }
      return new Check(true, what + " host " + host + " resolves (nothing sent)");
    } catch (UnknownHostException e) {
      return new Check(false, what + " host " + host + " does not resolve; check the URL, DNS and the proxy");
    }
  }
}
