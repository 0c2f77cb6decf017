package dev.earlybird.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.earlybird.history.NewNotification;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Alertmanager API v2 ({@code POST /api/v2/alerts}), as Prometheus is its client: a firing alert is sent with
 * {@code endsAt} = now + 4 x the resend interval, so Alertmanager resolves it by itself if Earlybird stops
 * re-sending; a resolve is the same labels with {@code endsAt} at or before now.
 */
public final class AlertmanagerSender extends RenderingSender implements Resending {
  private final URI base;
  private final Duration resendInterval;
  private final Http http;

  /** @param resendInterval how often the dispatcher re-sends firing alerts */
  public AlertmanagerSender(String receiver, URI base, Duration resendInterval) {
    this(receiver, base, resendInterval, Http.standard());
  }

  AlertmanagerSender(String receiver, URI base, Duration resendInterval, Http http) {
    super(receiver, true);
    this.base = Objects.requireNonNull(base, "base");
    if (!resendInterval.isPositive()) {
      throw new IllegalArgumentException("resendInterval must be above 0");
    }
    this.resendInterval = resendInterval;
    this.http = Objects.requireNonNull(http, "http");
  }

  @Override
  Delivery send(NewNotification notification, JsonNode payload) {
    ArrayNode body = Payload.JSON.createArrayNode();
    body.add(alert(payload, notification, http.clock().instant()));
    return post(body);
  }

  /**
   * Re-sends firing alerts in one POST (the periodic re-send that keeps them from expiring); reviews, resolved
   * alerts and unreadable payloads are left out. Nothing to send is {@link Delivery.Sent}.
   */
  @Override
  public Delivery resend(List<NewNotification> firing) {
    Instant now = http.clock().instant();
    ArrayNode body = Payload.JSON.createArrayNode();
    for (NewNotification n : firing) {
      Payload.parse(n.payload())
          .filter(p -> !Payload.isReview(p) && AlertView.of(p).firing())
          .ifPresent(p -> body.add(alert(p, n, now)));
    }
    return body.isEmpty() ? new Delivery.Sent() : post(body);
  }

  @Override
  public Check check() {
    return http.get(endpoint("/-/ready"), 200, "Alertmanager " + base.getHost() + " /-/ready");
  }

  /** One alert of the v2 API for a payload, at {@code now}. */
  ObjectNode alert(JsonNode payload, NewNotification n, Instant now) {
    AlertView a = AlertView.of(payload);
    ObjectNode alert = Payload.JSON.createObjectNode();
    ObjectNode labels = alert.putObject("labels");
    a.labels().forEach(labels::put);
    if (a.labels().isEmpty()) {
      labels.put("alertname", "EarlybirdFinding"); // Alertmanager refuses an alert without labels
      labels.put("fingerprint", n.ref());
    }
    ObjectNode annotations = alert.putObject("annotations");
    Map<String, String> given = Payload.strings(payload, "annotations");
    given.forEach(annotations::put);
    annotations.put("summary", a.summary());
    Instant endsAt = a.firing()
        ? now.plus(resendInterval.multipliedBy(4))
        : a.endsAt().filter(e -> !e.isAfter(now)).orElse(now);
    // Alertmanager refuses startsAt after endsAt; a resolve keeps the alert's start when it is consistent.
    a.startsAt().filter(s -> !s.isAfter(endsAt)).ifPresent(s -> alert.put("startsAt", s.toString()));
    alert.put("endsAt", endsAt.toString());
    a.url().ifPresent(u -> alert.put("generatorURL", u));
    return alert;
  }

  private Delivery post(ArrayNode body) {
    byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return http.exchange(http.postJson(endpoint("/api/v2/alerts"), bytes).build(), r -> r.statusCode() == 200
        ? new Delivery.Sent()
        : http.failed(r, "Alertmanager " + base.getHost()));
  }

  private URI endpoint(String path) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }
}
