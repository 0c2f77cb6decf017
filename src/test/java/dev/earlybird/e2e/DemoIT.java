package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.NotificationSink;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: {@code earlybird demo} shows targets, metrics and a growing history, then injects
 * a regression (an index dropped in one tenant) and the regression finding appears.
 */
class DemoIT {
  @Test
  void demoShowsTargetsMetricsAndGrowingHistory(@TempDir Path dir) throws Exception {
    int port = AgentProcess.freePort();
    try (NotificationSink sink = new NotificationSink("unused: the demo's webhook is not signed");
        AgentProcess demo =
        AgentProcess.start(
            List.of("demo", "--listen", "127.0.0.1:" + port, "--interval", "2s", "--regress-after", "40s",
                "--review-after", "110s", "--webhook", sink.url(), "--data", dir.toString()),
            port,
            dir.resolve("demo.log"),
            Duration.ofSeconds(180))) {
      await("URL printed").atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(demo.log()).contains("Earlybird demo is running: http://127.0.0.1:" + port + "/"));
      await("demo target polled").atMost(Duration.ofSeconds(60))
          .until(() -> demo.json("/api/v1/targets").get(0).get("up").asBoolean());

      List<Long> totals = new ArrayList<>();
      await("history grows").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
          .until(() -> {
            long calls = 0;
            for (JsonNode q : demo.json("/api/v1/hot-queries?limit=1000").get("queries")) {
              calls += q.get("calls").asLong();
            }
            totals.add(calls);
            return totals.size() >= 2 && calls > totals.getFirst() && calls > 0;
          });
      JsonNode top = demo.json("/api/v1/hot-queries?tenant=acme&limit=5").get("queries");
      assertThat(top).isNotEmpty();
      assertThat(top.get(0).get("database").asText()).isEqualTo("tenant_acme");
      assertThat(top.get(0).get("query").asText()).isNotBlank();
      assertThat(demo.get("/metrics"))
          .contains("earlybird_target_up{target=\"demo\"} 1")
          .containsPattern("earlybird_database_calls_total\\{database=\"tenant_globex\",target=\"demo\",tenant=\"globex\"} [1-9]");
      assertThat(demo.get("/")).contains("demo", "17.");

      await("the injected regression is found").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2))
          .until(() -> demo.json("/api/v1/findings?kind=regression&state=active").get("findings").size() > 0);
      assertThat(demo.log()).contains("dropped index orders_customer_idx in tenant_umbrella");
      JsonNode findings = demo.json("/api/v1/findings?kind=regression&state=active").get("findings");
      assertThat(findings).allSatisfy(f -> assertThat(f.get("tenant").asText()).isEqualTo("umbrella"));
      JsonNode f = findings.get(0);
      assertThat(f.get("query").asText()).contains("customer_id");
      assertThat(f.get("evidence").get("ratio").asDouble()).isGreaterThan(2);
      assertThat(f.get("evidence").get("pValue").asDouble()).isLessThan(0.01);
      assertThat(f.get("severity").asText()).isIn("info", "warning", "critical");
      assertThat(demo.get("/findings")).contains("regression", "tenant_umbrella");
      assertThat(demo.get("/metrics"))
          .containsPattern("earlybird_findings_active\\{kind=\"regression\",severity=\"[a-z]+\",target=\"demo\"} 1");

      // The regression is alerted, and tenant umbrella's morning review runs, lists it and re-raises it.
      await("the morning review of umbrella").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
          .until(() -> demo.json("/api/v1/reviews?tenant=umbrella").get("reviews").size() == 1);
      JsonNode review = demo.json("/api/v1/reviews?tenant=umbrella").get("reviews").get(0);
      assertThat(review.get("late").asBoolean()).isFalse();
      assertThat(review.get("findings")).anySatisfy(r -> assertThat(r.get("kind").asText()).isEqualTo("regression"));
      assertThat(demo.log()).contains("morning review (zone Asia/Kolkata) runs in 110s");
      assertThat(demo.get("/reviews")).contains("umbrella");
      await("the webhook got the alert and the review").atMost(Duration.ofSeconds(30))
          .until(() -> sink.accepted().stream().map(r -> r.json().get("type").asText()).toList()
              .containsAll(List.of("alert", "review")));
      assertThat(sink.accepted()).filteredOn(r -> r.json().get("type").asText().equals("alert"))
          .extracting(r -> r.json().get("labels").get("alertname").asText())
          .contains("EarlybirdRegression").allMatch(n -> !n.equals("EarlybirdHot")); // minSeverity warning
      assertThat(demo.json("/api/v1/alerts?state=firing").get("alerts"))
          .anySatisfy(a -> assertThat(a.get("labels").get("stage").asText()).isEqualTo("morning"));
      assertThat(demo.stop()).isIn(0, 143);
    }
  }

  @Test
  void withoutDataItPrintsATokenThatPinsABaselineAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
    int port = AgentProcess.freePort();
    String url = "http://127.0.0.1:" + port + "/";
    AgentProcess demo = AgentProcess.start(
        List.of("demo", "--listen", "127.0.0.1:" + port, "--interval", "1s", "--regress-after", "never"),
        port, dir.resolve("demo.log"), Duration.ofSeconds(120));
    Path data;
    try {
      await("how to pin printed").atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(demo.log()).contains("Then compare: earlybird report --against demo-start"));
      String log = demo.log();
      Matcher started = Pattern.compile("Starting the demo in (\\S+) \\(").matcher(log);
      Matcher token = Pattern.compile("Web token \\(write actions need it\\): (\\S+)").matcher(log);
      Matcher from = Pattern.compile("--from (\\S+) --to").matcher(log);
      assertThat(started.find() && token.find() && from.find()).as(log).isTrue();
      data = Path.of(started.group(1));
      assertThat(data).isDirectory();
      assertThat(log).contains("curl -sS -X POST -H 'Authorization: Bearer " + token.group(1) + "'", url + "api/v1/baselines");
      await("history").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> demo.json("/api/v1/hot-queries").get("queries").size() > 0);

      String to = Instant.now().toString(); // after an interval that the API has shown: the window holds it
      AgentProcess.Result pin = AgentProcess.runToEnd(Duration.ofSeconds(60),
          Map.of("EARLYBIRD_WEB_TOKEN", token.group(1)),
          "baseline", "pin", "demo-start", "--from", from.group(1), "--to", to, "--url", url);
      assertThat(pin.exitCode()).as(pin.output()).isZero();
      assertThat(pin.output()).contains("Pinned baseline demo-start:");
      AgentProcess.Result list = AgentProcess.runToEnd(Duration.ofSeconds(60), "baseline", "list", "--url", url);
      assertThat(list.output()).contains("demo-start");
    } finally {
      assertThat(demo.stop()).isIn(0, 143);
    }
    await("the temporary directory is removed").atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(data));
  }

  @Test
  void aBusyPortIsOneLineThatSuggestsAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      AgentProcess.Result r = AgentProcess.runToEnd(Duration.ofSeconds(60),
          "demo", "--listen", "127.0.0.1:" + taken.getLocalPort());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.output().strip()).isEqualTo("earlybird demo: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the address is in use by another process; stop that process, or let the demo pick a free port with "
          + "--listen 127.0.0.1:0");
    }
  }
}
