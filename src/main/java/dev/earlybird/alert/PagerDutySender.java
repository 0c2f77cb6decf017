package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.earlybird.config.Secret;
import dev.earlybird.history.NewNotification;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * PagerDuty Events API v2: a firing alert triggers, a resolved one resolves, both under the notification's
 * {@code dedupKey} so re-deliveries and restarts land on the same PagerDuty alert. Review digests are not pages.
 */
public final class PagerDutySender extends RenderingSender {
  public static final URI EVENTS = URI.create("https://events.pagerduty.com/v2/enqueue");
  static final int MAX_SUMMARY = 1024;
  static final int MAX_DEDUP_KEY = 255;
  static final int ROUTING_KEY_LENGTH = 32;
  /** PagerDuty asks for "a backoff of a few minutes" after 429 when it gives no Retry-After. */
  static final Duration THROTTLED = Duration.ofMinutes(3);

  private final URI events;
  private final Secret routingKey;
  private final Http http;

  public PagerDutySender(String receiver, Optional<URI> url, Secret routingKey) {
    this(receiver, url, routingKey, Http.standard());
  }

  PagerDutySender(String receiver, Optional<URI> url, Secret routingKey, Http http) {
    super(receiver, true);
    this.events = url.orElse(EVENTS);
    this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
    this.http = Objects.requireNonNull(http, "http");
  }

  @Override
  Delivery send(NewNotification notification, JsonNode payload) {
    byte[] body = event(AlertView.of(payload), payload, notification.dedupKey())
        .toString().getBytes(StandardCharsets.UTF_8);
    return http.exchange(http.postJson(events, body).build(), r -> switch (r.statusCode()) {
      case 202 -> new Delivery.Sent();
      case 429 -> new Delivery.Retry(
          RetryAfter.parse(r.headers().firstValue("Retry-After"), http.clock().instant()).or(() -> Optional.of(THROTTLED)),
          "PagerDuty throttled events for this routing key (HTTP 429)");
      default -> http.failed(r, "PagerDuty " + events.getHost());
    });
  }

  /** No event is sent: PagerDuty has no dry run, so the key's shape and the host are what can be checked. */
  @Override
  public Check check() {
    String key = routingKey.reveal();
    if (key.length() != ROUTING_KEY_LENGTH || !key.chars().allMatch(Character::isLetterOrDigit)) {
      return new Check(false, "routingKey is not a 32-character integration key (it has " + key.length()
          + " characters); copy the Integration Key of an Events API v2 integration");
    }
    try {
      InetAddress.getAllByName(events.getHost());
      return new Check(true, "routing key has 32 characters, " + events.getHost() + " resolves (no event sent)");
    } catch (UnknownHostException e) {
      return new Check(false, events.getHost() + " does not resolve; check DNS and the proxy");
    }
  }

  /** The Events API v2 body: a trigger with what the on-call person needs, or a bare resolve. */
  ObjectNode event(AlertView a, JsonNode payload, String dedupKey) {
    ObjectNode e = Payload.JSON.createObjectNode();
    e.put("routing_key", routingKey.reveal());
    e.put("event_action", a.firing() ? "trigger" : "resolve");
    e.put("dedup_key", dedupKey(dedupKey));
    if (!a.firing()) {
      return e;
    }
    ObjectNode p = e.putObject("payload");
    p.put("summary", Texts.cut(Texts.oneLine(a.title()), MAX_SUMMARY));
    p.put("source", a.label("target"));
    p.put("severity", severity(a.severity()));
    Optional.ofNullable(a.labels().get("database")).ifPresent(v -> p.put("component", v));
    Optional.ofNullable(a.labels().get("tenant")).ifPresent(v -> p.put("group", v));
    Optional.ofNullable(a.labels().get("kind")).ifPresent(v -> p.put("class", v));
    a.startsAt().ifPresent(s -> p.put("timestamp", s.toString()));
    ObjectNode details = p.putObject("custom_details");
    a.labels().forEach(details::put);
    a.description().ifPresent(d -> details.put("description", d));
    if (!a.evidence().isEmpty()) {
      details.put("evidence", String.join("; ", a.evidence()));
    }
    JsonNode evidence = Payload.at(payload, "finding", "evidence");
    if (evidence.isObject()) {
      details.set("evidence_numbers", evidence);
    }
    a.url().ifPresent(u -> {
      e.put("client", "Earlybird");
      e.put("client_url", u);
      e.putArray("links").addObject().put("href", u).put("text", "Open in Earlybird");
    });
    return e;
  }

  /** Ours map one to one; anything unknown pages as a warning rather than being refused. */
  static String severity(String ours) {
    return switch (ours) {
      case "critical" -> "critical";
      case "info" -> "info";
      default -> "warning";
    };
  }

  /** Keys over PagerDuty's limit become their SHA-256 (64 hex chars): still deterministic, still distinct. */
  static String dedupKey(String key) {
    if (key.length() <= MAX_DEDUP_KEY) {
      return key;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
