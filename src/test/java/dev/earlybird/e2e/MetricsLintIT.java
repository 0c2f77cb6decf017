package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a live agent, with every kind of series it has (targets up and down, databases, opt-in
 * per-statement series), passes {@code promtool check metrics} (Prometheus' own lint: names, units, _total,
 * HELP/TYPE) in the classic text format, and is served as OpenMetrics to scrapers that ask for it, as Prometheus
 * does.
 */
class MetricsLintIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void liveMetricsPassPromtoolInBothFormats(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(16);
    pg.createDatabase("tenant_lint");
    try (Connection c = pg.superuser("tenant_lint"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int PRIMARY KEY)");
      s.execute("INSERT INTO t SELECT generate_series(1, 1000)");
    }
    int port = AgentProcess.freePort();
    Path config = dir.resolve("earlybird.yml");
    Files.writeString(config, """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 1s }
        metrics: { statements: { top: 5, maxSeries: 100 } }
        targets:
          - { name: main, url: "%s", user: postgres }
          - { name: refused, url: "jdbc:postgresql://127.0.0.1:%d/postgres", user: postgres }
        """.formatted(port, dir.resolve("store.duckdb"), pg.jdbcUrl("postgres"), AgentProcess.freePort()));
    try (AgentProcess agent = AgentProcess.run(config, port, dir.resolve("agent.log"))) {
      await("per-statement series").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> {
            try (Connection c = pg.superuser("tenant_lint"); Statement s = c.createStatement()) {
              s.executeQuery("SELECT count(*) FROM t WHERE id < 500").close();
            }
            String m = agent.get("/metrics");
            return m.contains("earlybird_statement_cpu_seconds_total{") && m.contains("earlybird_database_calls_total{")
                && m.contains("earlybird_poll_errors_total{");
          });

      HttpResponse<String> text = scrape(port, "text/plain");
      assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
          "text/plain; version=0.0.4"));
      Path file = dir.resolve("metrics.txt");
      Files.writeString(file, text.body());
      Process promtool = new ProcessBuilder(promtool(), "check", "metrics").redirectInput(file.toFile())
          .redirectErrorStream(true).start();
      String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as("promtool check metrics said:\n%s", out).isZero();
      assertThat(out).as("promtool's lint findings").isBlank();

      HttpResponse<String> open = scrape(port,
          "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
              + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
      assertThat(open.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
          "application/openmetrics-text; version=1.0.0"));
      assertThat(open.body()).endsWith("# EOF\n").contains("# TYPE earlybird_statement_cpu_seconds counter");
      // Never a query text in a label: the per-statement series carry the queryid only.
      assertThat(text.body().lines().filter(l -> l.startsWith("earlybird_statement_")))
          .allSatisfy(l -> assertThat(l).doesNotContainIgnoringCase("select"));
    }
  }

  static HttpResponse<String> scrape(int port, String accept) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** promtool from the Debian package; CI installs it (.ci/apt-packages). Missing is a failure, not a skip. */
  static String promtool() {
    for (String p : new String[] {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
      if (new File(p).canExecute()) {
        return p;
      }
    }
    throw new AssertionError("promtool not found: install the Debian package 'prometheus' (CI does, from "
        + ".ci/apt-packages)");
  }
}
