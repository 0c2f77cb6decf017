package dev.earlybird.cli;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.earlybird.Agent;
import dev.earlybird.Main;
import dev.earlybird.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** What {@code run} says when the agent starts, and when it cannot: in-process, with the agent's log captured. */
class AgentStartTest {
  @TempDir Path dir;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void release() {
    root.detachAppender(logs);
  }

  private Path config(int port) throws Exception {
    return Files.writeString(dir.resolve("earlybird.yml"), """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 90s }
        targets:
          - { name: nowhere, url: "jdbc:postgresql://127.0.0.1:1/postgres", user: earlybird }
        """.formatted(port, dir.resolve("h.duckdb")));
  }

  private String logged() {
    return String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
  }

  @Test
  void theLogSaysDurationsAsPeopleWriteThem() throws Exception {
    try (Agent agent = Agent.start(ConfigLoader.load(config(0)), InstantSource.system())) {
      assertThat(logged()).contains("polling 1 target(s) every 90s;");
    }
    assertThat(logged()).contains("Earlybird stopped").doesNotContainPattern("PT\\d");
  }

  @Test
  void aBusyPortIsOneLineThatNamesTheAddressAndTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int code = cli.execute("run", "--config", config(taken.getLocalPort()).toString());
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("earlybird run: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the address is in use by another process; stop that process, or give the config's `listen` key "
          + "another address (e.g. listen: \"127.0.0.1:9861\")\n");
    }
    // That it is the only line of the real command (logging as configured in the jar): CliIT.
    assertThat(logs.list).as("no stack trace").allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    assertThat(logged()).doesNotContain("stopped", "stopping");
  }

  @Test
  void afterARestartTheFleetSaysWhenATargetWasLastPolledFromTheHistory() throws Exception {
    // A store with one successful poll of the target, as an earlier run left it; the target is down now.
    java.time.Instant polled = java.time.Instant.parse("2026-12-06T22:15:07.123456Z");
    var key = new dev.earlybird.model.StatementKey("nowhere", 5, 10, 42, true);
    var counters = new dev.earlybird.model.Counters(CounterValues.ZERO.with(Counter.CALLS, 4)
            .with(Counter.EXEC_MS, 40)
            .with(Counter.ROWS, 4), 10, 1, 0, 0, null, java.util.OptionalDouble.empty());
    try (var store = dev.earlybird.history.DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> polled)) {
      store.recordPoll(dev.earlybird.history.PollRecord.success(new dev.earlybird.model.Snapshot("nowhere", polled,
          java.util.Optional.empty(), java.util.OptionalLong.empty(), java.util.Map.of(key, counters)),
          java.util.List.of()));
    }
    try (Agent agent = Agent.start(ConfigLoader.load(config(0)), InstantSource.system())) {
      var http = java.net.http.HttpClient.newHttpClient();
      String targets = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(agent.url() + "api/v1/targets"))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(targets).contains("\"lastPollAt\":\"2026-12-06T22:15:07.123456Z\"", "\"statements\":1");
      String fleet = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(agent.url())).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(fleet).contains("2026-12-06 22:15:07 UTC").doesNotContain(">never<");
    }
  }
}
