package dev.earlybird.alert;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * One HTTP client with timeouts for a receiver, and how a failed exchange becomes a {@link Delivery}. Errors name
 * the receiver's host only: a Slack or webhook URL's path is its credential.
 */
final class Http {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** How much of a receiver's error body goes into an error: enough for Slack's "invalid_blocks". */
  private static final int BODY_CHARS = 200;

  private final HttpClient client;
  private final Duration requestTimeout;
  private final InstantSource clock;

  Http(Duration connectTimeout, Duration requestTimeout, InstantSource clock) {
    // Redirects are not followed: a receiver that moved should be reconfigured, not silently chased. HTTP/1.1:
    // no h2c upgrade attempt on plain-http receivers, which some webhook servers mishandle with a POST body.
    this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    this.requestTimeout = requestTimeout;
    this.clock = clock;
  }

  static Http standard() {
    return new Http(CONNECT_TIMEOUT, REQUEST_TIMEOUT, InstantSource.system());
  }

  InstantSource clock() {
    return clock;
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(requestTimeout);
  }

  HttpRequest.Builder postJson(URI uri, byte[] body) {
    return request(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /** Sends and maps the answer; an I/O failure or timeout is a {@link Delivery.Retry} naming only the host. */
  Delivery exchange(HttpRequest request, Function<HttpResponse<String>, Delivery> onAnswer) {
    try {
      return onAnswer.apply(client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return new Delivery.Retry(Optional.empty(), failure(request.uri(), e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Delivery.Retry(Optional.empty(), "interrupted while sending to " + request.uri().getHost());
    }
  }

  /** GET, for readiness checks; the status or what failed. */
  Sender.Check get(URI uri, int expectedStatus, String what) {
    try {
      HttpResponse<String> r = client.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == expectedStatus
          ? new Sender.Check(true, what + " answered " + r.statusCode())
          : new Sender.Check(false, what + " answered HTTP " + r.statusCode() + " " + snippet(r.body())
              + "; expected " + expectedStatus);
    } catch (IOException e) {
      return new Sender.Check(false, failure(uri, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Sender.Check(false, "interrupted");
    }
  }

  /** The usual mapping of a status that is not success: 429 and 5xx retry (honouring Retry-After), the rest is refused. */
  Delivery failed(HttpResponse<String> r, String receiver) {
    int s = r.statusCode();
    String error = receiver + " answered HTTP " + s + (r.body().isBlank() ? "" : ": " + snippet(r.body()));
    if (s == 408 || s == 429 || s >= 500) {
      return new Delivery.Retry(RetryAfter.parse(r.headers().firstValue("Retry-After"), clock.instant()), error);
    }
    return new Delivery.Rejected(error);
  }

  static String snippet(String body) {
    return Texts.cut(Texts.oneLine(body), BODY_CHARS);
  }

  /** What went wrong, with the host but never the path or query (they may be the credential). */
  static String failure(URI uri, IOException e) {
    String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    return switch (e) {
      case HttpConnectTimeoutException t -> "could not connect to " + host + " within " + CONNECT_TIMEOUT.toSeconds()
          + " s; check the receiver's host, port and the network between";
      case HttpTimeoutException t -> host + " did not answer in time; the receiver may be overloaded";
      case ConnectException c when c.getCause() instanceof UnresolvedAddressException ->
          host + " does not resolve; check the receiver's URL";
      case ConnectException c -> "connection to " + host + " refused or failed; is the receiver running there?";
      case UnknownHostException u -> host + " does not resolve; check the receiver's URL";
      case SSLException s -> "TLS with " + host + " failed: " + s.getMessage()
          + "; check the receiver's certificate";
      default -> "sending to " + host + " failed: " + e.getClass().getSimpleName();
    };
  }
}
