package dev.earlybird.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An HTTP receiver in the test JVM (PagerDuty, Slack, a webhook): records each request, checks its body against the
 * receiver's contract (a refusal like the real service's when it breaks it), and answers what the test queued.
 */
final class FakeHttpReceiver implements AutoCloseable {
  /** A request as received: raw body bytes and headers. */
  record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer; {@code hang} never answers (until close). */
  record Answer(int status, Map<String, String> headers, String body, boolean hang) {
    static Answer of(int status, String body) {
      return new Answer(status, Map.of(), body, false);
    }

    static Answer hanging() {
      return new Answer(0, Map.of(), "", true);
    }
  }

  private final HttpServer server;
  private final Function<Request, List<String>> contract;
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Answer normal;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  /** Contract violations per request, in order; a compliant request adds an empty list. */
  final List<List<String>> violations = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  /** @param contract the violations of a request (empty: it keeps the contract) */
  FakeHttpReceiver(Answer normal, Function<Request, List<String>> contract) {
    this.normal = normal;
    this.contract = contract;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /** The next request gets this answer instead of the normal one. */
  FakeHttpReceiver thenAnswer(Answer answer) {
    answers.add(answer);
    return this;
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  Request last() {
    return requests.get(requests.size() - 1);
  }

  List<String> lastViolations() {
    return violations.get(violations.size() - 1);
  }

  private void handle(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readAllBytes();
    Request r = new Request(x.getRequestMethod(), x.getRequestURI().toString(), Map.copyOf(x.getRequestHeaders()), body);
    requests.add(r);
    List<String> broken = contract.apply(r);
    violations.add(broken);
    Answer a = answers.poll();
    if (a == null) {
      a = broken.isEmpty() ? normal : Answer.of(400, "contract: " + String.join("; ", broken));
    }
    if (a.hang()) {
      try {
        closing.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      x.close();
      return;
    }
    a.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      x.getResponseBody().write(out);
    }
    x.close();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
