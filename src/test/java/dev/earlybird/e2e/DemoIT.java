package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.NotificationSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
