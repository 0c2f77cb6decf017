package dev.earlybird.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real Alertmanager of the Debian package {@code prometheus-alertmanager} (0.25 on Debian 12), one per JVM,
 * on loopback with an ephemeral port and no clustering, routing everything to a receiver that sends nothing. Shared:
 * tests tell their alerts apart by their own label values, and must not reconfigure it.
 */
public final class Alertmanager {
  /** Debian's binary; the package must be installed, not only unpacked (it reads its templates from /usr/share). */
  public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

  private static final String CONFIG = """
      route: {receiver: sink, group_by: [alertname], group_wait: 1s, group_interval: 2s, repeat_interval: 1h}
      receivers: [{name: sink}]
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Alertmanager shared;

  private final URI base;
  private final Process process;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Alertmanager(URI base, Process process, Path dir) {
    this.base = base;
    this.process = process;
    this.dir = dir;
  }

  /** The JVM-wide Alertmanager, started (and waited for until {@code /-/ready}) on first use. */
  public static synchronized Alertmanager shared() {
    if (shared == null) {
      shared = start();
      Alertmanager am = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(am::stop, "earlybird-alertmanager-shutdown"));
    }
    return shared;
  }

  /** Like {@code http://127.0.0.1:40123}, without a trailing slash. */
  public URI baseUrl() {
    return base;
  }

  /** {@code GET /api/v2/alerts}: the active alerts (resolved ones are left out), as Alertmanager answers. */
  public JsonNode alerts() {
    return get("/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true");
  }

  /** The active alerts matching one label, e.g. {@code tenant="t-123"}; {@code filter} is an Alertmanager matcher. */
  public JsonNode alerts(String filter) {
    return get("/api/v2/alerts?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8));
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("Alertmanager answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Alertmanager start() {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: apt-get install -y prometheus-alertmanager "
          + "(listed in .ci/apt-packages)");
    }
    try {
      Path dir = Files.createTempDirectory("earlybird-alertmanager-");
      Files.writeString(dir.resolve("am.yml"), CONFIG);
      int port = freePort();
      Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("am.yml"),
          "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
          "--cluster.listen-address=", "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
      Alertmanager am = new Alertmanager(URI.create("http://127.0.0.1:" + port), p, dir);
      long started = System.nanoTime();
      await("Alertmanager ready on port " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!p.isAlive()) {
              throw new IllegalStateException("Alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
            }
            return am.ready();
          });
      System.out.printf("[earlybird-testing] started Alertmanager on %s in %d ms%n", am.base,
          (System.nanoTime() - started) / 1_000_000);
      return am;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Alertmanager", e);
    }
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("[earlybird-testing] could not stop Alertmanager: " + e);
    }
  }

  /** A port that was free a moment ago; Alertmanager cannot report the port it picked for :0. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
