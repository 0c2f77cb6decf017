package dev.earlybird.alert;

import dev.earlybird.config.Secret;
import dev.earlybird.history.NewNotification;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * POSTs the receiver-neutral payload as it is, timestamped and, with a secret, signed (see {@link WebhookSignature}).
 * The URL's path and query may be a token, so errors name its host only.
 */
public final class WebhookSender implements Sender {
  private final String receiver;
  private final URI url;
  private final Optional<Secret> secret;
  private final Http http;

  public WebhookSender(String receiver, URI url, Optional<Secret> secret) {
    this(receiver, url, secret, Http.standard());
  }

  WebhookSender(String receiver, URI url, Optional<Secret> secret, Http http) {
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.url = Objects.requireNonNull(url, "url");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.http = Objects.requireNonNull(http, "http");
  }

  @Override
  public String receiver() {
    return receiver;
  }

  @Override
  public Delivery send(NewNotification notification) {
    byte[] body = notification.payload().getBytes(StandardCharsets.UTF_8);
    long timestamp = http.clock().instant().getEpochSecond();
    HttpRequest.Builder request = http.postJson(url, body)
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
    secret.ifPresent(s -> request.header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(s, timestamp, body)));
    return http.exchange(request.build(), r -> r.statusCode() / 100 == 2
        ? new Delivery.Sent()
        : http.failed(r, "webhook " + url.getHost()));
  }

  /** Nothing is posted: the host must resolve. */
  @Override
  public Check check() {
    try {
      InetAddress.getAllByName(url.getHost());
      return new Check(true, "webhook host " + url.getHost() + " resolves (nothing sent)");
    } catch (UnknownHostException e) {
      return new Check(false, "webhook host " + url.getHost() + " does not resolve; check the URL, DNS and the proxy");
    }
  }
}
