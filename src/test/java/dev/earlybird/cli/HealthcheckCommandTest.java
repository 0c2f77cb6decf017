package dev.earlybird.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.earlybird.Agent;
import dev.earlybird.Main;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Secret;
import dev.earlybird.container.DockerfileHealthcheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code earlybird healthcheck}, the image's HEALTHCHECK probe, against a real agent: the exact arguments of the
 * Dockerfile's HEALTHCHECK (its config path swapped for a test config that listens on 0.0.0.0, as in a container)
 * say healthy while the agent serves and unhealthy, with exit 1 as Docker wants, once it is gone.
 */
class HealthcheckCommandTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  private static Run run(List<String> args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A config file with a store in the test's directory. */
  private Path config(String listen, String more) throws Exception {
    Path config = dir.resolve("earlybird.yml");
    Files.writeString(config,
        "listen: %s\nstore: \"duckdb:%s\"\n%s".formatted(listen, dir.resolve("store.duckdb"), more));
    return config;
  }

  @Test
  void theDockerfilesHealthcheckSaysHealthyWhileTheAgentServesAndUnhealthyOnceItStopped() throws Exception {
    int port = freePort();
    Path config = config("0.0.0.0:" + port, "");
    List<String> probe = new ArrayList<>(DockerfileHealthcheck.arguments());
    probe.replaceAll(a -> a.equals(DockerfileHealthcheck.CONFIG) ? config.toString() : a);
    assertThat(probe).contains(config.toString());

    Agent agent = Agent.start(ConfigLoader.load(config), InstantSource.system());
    try {
      Run healthy = run(probe);
      assertThat(healthy.exitCode()).as(healthy.err()).isZero();
      assertThat(healthy.out()).isEqualTo("healthy: http://127.0.0.1:%d/-/healthy answered 200%n".formatted(port));
    } finally {
      agent.close();
    }
    Run gone = run(probe);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).startsWith("unhealthy: http://127.0.0.1:%d/-/healthy: ConnectException".formatted(port));
  }

  @Test
  void underABasePathTheProbeAndTheCommandsFindTheAgentFromItsConfig() throws Exception {
    int port = freePort();
    Path config = config("127.0.0.1:" + port,
        "web: { basePath: /tools/earlybird, token: \"0123456789abcdef-token\" }\n");
    Agent agent = Agent.start(ConfigLoader.load(config), InstantSource.system());
    try {
      assertThat(agent.url()).isEqualTo("http://127.0.0.1:%d/tools/earlybird/".formatted(port));
      Run healthy = run(List.of("healthcheck", "--config", config.toString()));
      assertThat(healthy.exitCode()).as(healthy.err()).isZero();
      assertThat(healthy.out()).isEqualTo(
          "healthy: http://127.0.0.1:%d/tools/earlybird/-/healthy answered 200%n".formatted(port));
      try (AgentClient client = new AgentClient(URI.create(agent.url()),
          Optional.of(new Secret("0123456789abcdef-token")))) {
        assertThat(client.whyNotAnswering()).isEmpty();
        assertThat(client.baselines()).isEmpty();
      }
    } finally {
      agent.close();
    }
  }

  @Test
  void anAnswerOtherThan200IsUnhealthy() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/-/healthy", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.start();
    try {
      Run r = run(List.of("healthcheck", "--url", "http://127.0.0.1:" + server.getAddress().getPort()));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("/-/healthy answered 503");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aServerThatNeverAnswersIsUnhealthyAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) { // accepts (backlog) but never answers
      long t0 = System.nanoTime();
      Run r = run(List.of("healthcheck", "--url", "http://127.0.0.1:" + silent.getLocalPort() + "/", "--timeout", "300ms"));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("SocketTimeoutException");
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }
  }

  @Test
  void anInvalidConfigIsUnhealthyAndSaysWhy() throws Exception {
    Path config = dir.resolve("bad.yml");
    Files.writeString(config, "listen: nowhere\n");
    Run r = run(List.of("healthcheck", "--config", config.toString()));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("invalid config").contains("listen");
  }
}
