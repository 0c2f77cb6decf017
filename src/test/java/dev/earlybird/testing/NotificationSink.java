package dev.earlybird.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on loopback, as a user would write one: it checks Earlybird's signature over the raw body and
 * records what it accepted. It can be told to answer with an error or to hang (a receiver that is down or stuck).
 */
public final class NotificationSink implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received, and whether its signature held. */
  public record Received(long timestamp, String signature, String body, boolean signatureValid) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final HttpServer server;
  private final String secret;
  private final List<Received> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<CountDownLatch> hang = new AtomicReference<>();

  public NotificationSink(String secret) throws IOException {
    this.secret = secret;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "sink");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/hook", exchange -> {
      attempts.incrementAndGet();
      byte[] body = exchange.getRequestBody().readAllBytes();
      CountDownLatch h = hang.get();
      if (h != null) {
        try {
          h.await(120, TimeUnit.SECONDS); // a stuck receiver: the agent's timeout gives up first
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
        return;
      }
      int code = status.get();
      if (code == 200) {
        String ts = exchange.getRequestHeaders().getFirst("X-Earlybird-Timestamp");
        String sig = exchange.getRequestHeaders().getFirst("X-Earlybird-Signature");
        String text = new String(body, StandardCharsets.UTF_8);
        accepted.add(new Received(ts == null ? -1 : Long.parseLong(ts), sig, text, valid(ts, sig, body)));
      }
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    server.start();
  }

  private boolean valid(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || !signature.startsWith("sha256=")) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body);
      return MessageDigest.isEqual(expected, HexFormat.of().parseHex(signature.substring("sha256=".length())));
    } catch (Exception e) {
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** What was accepted (answered 200), in order. */
  public List<Received> accepted() {
    return List.copyOf(accepted);
  }

  /** Requests that reached the sink, accepted or not. */
  public int attempts() {
    return attempts.get();
  }

  /** Answers every request with this status from now on (200: accept). */
  public void answer(int code) {
    status.set(code);
  }

  /** Holds every request open until {@link #release}. */
  public void hang() {
    hang.set(new CountDownLatch(1));
  }

  public void release() {
    CountDownLatch h = hang.getAndSet(null);
    if (h != null) {
      h.countDown();
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
