package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.testing.Alertmanager;
import dev.earlybird.testing.NotificationSink;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert delivery end to end with the real jar: an index dropped in one tenant becomes a regression alert that Debian's
 * real Alertmanager receives with the tenant in its labels and keeps while the agent re-sends it; a silence made
 * through the API keeps the hot-statement alerts from going out; the tenant's morning review runs (once) and
 * re-raises the regression as a morning alert; a signed webhook that is down for minutes, then stuck while the agent
 * is killed with kill -9, gets every state change exactly once after the restart; and when the index is back,
 * the alert resolves in Alertmanager and at the webhook.
 */
class AlertingIT {
  static final String TARGET = "alerting-it";
  static final String TOKEN = "an-api-token-for-the-alerting-test";
  static final String SECRET = "webhook-secret-of-the-alerting-test";
  static final List<String> TENANTS = List.of("tenant_slow", "tenant_busy", "tenant_calm");
  static PgServer pg;

  @BeforeAll
  static void servers() throws Exception {
    pg = PostgresServers.dedicated(17, Map.of());
    TenantLoad.create(pg, TENANTS);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /** @param reviewAt when tenant slow's morning review runs (UTC, every day); empty: it has no workdays */
  static String config(int port, Path store, String alertmanager, String hook, Optional<Instant> reviewAt) {
    String slow = reviewAt.map(at -> "{ workdayStart: \"" + at.atZone(ZoneOffset.UTC).toLocalTime().withNano(0)
        .format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "\", workdays: [MON, TUE, WED, THU, FRI, SAT, SUN] }")
        .orElse("{ workdays: [] }");
    return """
        listen: "127.0.0.1:%d"
        store: "duckdb:%s"
        poll: { interval: 1s, textRefresh: 2s }
        web: { token: "%s", externalUrl: "https://eb.example.com/" }
        targets:
          - name: %s
            url: "%s"
            user: postgres
            databases: { include: ["^tenant_"] }
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
          defaults: { timezone: UTC, workdays: [] }
          overrides: { slow: %s }
        analysis:
          hot: { top: 10, findings: 1 }
          baseline: { mode: rolling, lookback: 20s }
          regression: { window: 5s, minCalls: 20, minRatio: 1.5, minExtraPerHour: 1s, persistence: 2, resolveAfter: 2 }
        alerts:
          leadTime: 0s
          minSeverity: info
          resendInterval: 3s
          receivers:
            - { name: am, type: alertmanager, url: "%s" }
            - { name: hook, type: webhook, url: "%s", secret: "%s" }
        """
        .formatted(port, store, TOKEN, TARGET, pg.jdbcUrl("postgres"), slow, alertmanager, hook, SECRET);
  }

  /**
   * Tenant slow's regression alerts at {@code stage}. Only slow's: its sequential scans can starve a two-core machine
   * enough that another tenant's statement really gets slower per call and is found too, rightly; what this test
   * follows is slow's alert.
   */
  static List<JsonNode> amRegressions(Alertmanager am, String stage) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : am.alerts("target=\"" + TARGET + "\"")) {
      JsonNode l = a.get("labels");
      if (l.path("alertname").asText().equals("EarlybirdRegression") && l.path("stage").asText().equals(stage)
          && l.path("tenant").asText().equals("slow")) {
        out.add(a);
      }
    }
    return out;
  }

  /** What the webhook accepted, as "kind/stage/status" for alerts and "review/tenant" for reviews. */
  static List<String> hookEvents(NotificationSink sink) {
    List<String> out = new ArrayList<>();
    for (NotificationSink.Received r : sink.accepted()) {
      JsonNode j = r.json();
      if (j.get("type").asText().equals("review")) {
        out.add("review/" + j.get("review").get("tenant").asText());
      } else {
        JsonNode l = j.get("labels");
        out.add(l.get("kind").asText() + "/" + l.get("stage").asText() + "/" + j.get("status").asText() + "/"
            + l.get("fingerprint").asText());
      }
    }
    return out;
  }

  /**
   * Each state change the webhook accepted: an alert's finding occurrence, stage, status and severity (a finding
   * whose severity rises is raised again: another change), or a review.
   */
  static List<String> hookChanges(NotificationSink sink) {
    List<String> out = new ArrayList<>();
    for (NotificationSink.Received r : sink.accepted()) {
      JsonNode j = r.json();
      if (j.get("type").asText().equals("review")) {
        out.add("review/" + j.get("review").get("id").asText());
      } else {
        JsonNode l = j.get("labels");
        out.add(j.get("finding").get("id").asText() + "/" + l.get("stage").asText() + "/" + j.get("status").asText()
            + "/" + l.get("severity").asText());
      }
    }
    return out;
  }

  static double metric(AgentProcess agent, String series) throws Exception {
    for (String line : agent.get("/metrics").split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return Double.NaN;
  }

  @Test
  void aRegressionIsAlertedResentReviewedDeliveredOnceAcrossAKillAndResolved(@TempDir Path dir) throws Exception {
    Alertmanager am = Alertmanager.shared();
    int port = AgentProcess.freePort();
    Path configFile = dir.resolve("earlybird.yml");
    Path store = dir.resolve("store.duckdb");
    try (NotificationSink sink = new NotificationSink(SECRET);
        TenantLoad load = new TenantLoad(pg, TENANTS)) {
      sink.answer(503); // the webhook's receiver is down from the start
      Files.writeString(configFile, config(port, store, am.baseUrl().toString(), sink.url(), Optional.empty()));
      AgentProcess agent = AgentProcess.run(configFile, port, dir.resolve("agent.log"));
      String fingerprint;
      try {
        HttpResponse<String> silence = agent.post("/api/v1/silences", "Bearer " + TOKEN, """
            {"matchers": [{"name": "kind", "value": "hot", "regex": false}], "duration": "1h",
             "createdBy": "alerting-it", "comment": "hot statements are expected here"}""");
        assertThat(silence.statusCode()).as(silence.body()).isEqualTo(201);
        assertThat(agent.post("/api/v1/silences", null, "{}").statusCode()).isEqualTo(401);

        Instant started = Instant.now();
        await("baseline filled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> agent.json("/api/v1/targets").get(0).get("up").asBoolean()
                && Duration.between(started, Instant.now()).toSeconds() >= 30);
        pg.execute("tenant_slow", "DROP INDEX items_k_idx");
        load.busyFactor.set(4);

        await("Alertmanager has the regression").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
            .until(() -> !amRegressions(am, "found").isEmpty());
        JsonNode alert = amRegressions(am, "found").get(0);
        JsonNode labels = alert.get("labels");
        assertThat(labels.get("tenant").asText()).isEqualTo("slow");
        assertThat(labels.get("database").asText()).isEqualTo("tenant_slow");
        assertThat(labels.get("severity").asText()).isIn("info", "warning", "critical");
        assertThat(labels.get("queryid").asText()).matches("-?\\d+");
        fingerprint = labels.get("fingerprint").asText();
        assertThat(alert.get("annotations").get("url").asText())
            .startsWith("https://eb.example.com/queries/" + TARGET + "/tenant_slow/");
        assertThat(alert.get("annotations").get("description").asText()).contains("baseline", "per hour");

        // Kept while re-sent: its end moves forward with each re-send, well past the first one's.
        Instant firstEnd = Instant.parse(alert.get("endsAt").asText());
        await("re-sent").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
            .until(() -> amRegressions(am, "found").stream()
                .anyMatch(a -> Instant.parse(a.get("endsAt").asText()).isAfter(firstEnd.plusSeconds(5))));
        await("still firing after its first end").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
            .until(() -> Instant.now().isAfter(firstEnd.plusSeconds(2)));
        assertThat(amRegressions(am, "found")).hasSize(1);

        // The hot-statement alerts exist, silenced, and went nowhere.
        assertThat(agent.json("/api/v1/alerts?state=silenced").get("alerts")).isNotEmpty()
            .allSatisfy(a -> assertThat(a.get("labels").get("kind").asText()).isEqualTo("hot"));
        assertThat(am.alerts("target=\"" + TARGET + "\"")).noneMatch(a -> a.get("labels").get("kind").asText()
            .equals("hot"));
        assertThat(metric(agent, "earlybird_alert_outbox_pending{receiver=\"hook\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric(agent, "earlybird_alert_notifications_total{outcome=\"failed\",receiver=\"hook\"}"))
            .isZero();

        // Tenant slow's workday starts in 15 s (lead time 0): a reload brings its review.
        Files.writeString(configFile, config(port, store, am.baseUrl().toString(), sink.url(),
            Optional.of(Instant.now().plusSeconds(15))));
        agent.hangUp();
        await("the morning review ran").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> agent.json("/api/v1/reviews?tenant=slow").get("reviews").size() == 1);
        JsonNode review = agent.json("/api/v1/reviews?tenant=slow").get("reviews").get(0);
        assertThat(review.get("late").asBoolean()).isFalse();
        assertThat(review.get("findings")).anySatisfy(f -> {
          assertThat(f.get("kind").asText()).isEqualTo("regression");
          assertThat(f.get("database").asText()).isEqualTo("tenant_slow");
        });
        assertThat(review.get("hot")).isNotEmpty();
        assertThat(agent.get("/reviews")).contains("slow");
        await("Alertmanager has the morning alert").atMost(Duration.ofSeconds(30))
            .until(() -> !amRegressions(am, "morning").isEmpty());
        assertThat(metric(agent, "earlybird_reviews_total{outcome=\"on_time\"}")).isEqualTo(1);
        // Alertmanager takes no digests: the review was not routed to it, so nothing failed there.
        assertThat(metric(agent, "earlybird_alert_notifications_total{outcome=\"failed\",receiver=\"am\"}"))
            .isZero();

        // The webhook's receiver comes back but hangs on the first request: the agent dies mid-delivery.
        int before = sink.attempts();
        sink.hang();
        sink.answer(200);
        await("a delivery is in flight").atMost(Duration.ofSeconds(60)).until(() -> sink.attempts() > before);
        agent.kill();
        sink.release();
      } finally {
        agent.close();
      }

      AgentProcess restarted = AgentProcess.run(configFile, port, dir.resolve("agent2.log"));
      try {
        await("the webhook got the regression and the review").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> hookEvents(sink).containsAll(List.of("regression/found/firing/" + fingerprint,
                "regression/morning/firing/" + fingerprint, "review/slow")));
        assertThat(restarted.json("/api/v1/reviews?tenant=slow").get("reviews")).hasSize(1);

        pg.execute("tenant_slow", "CREATE INDEX items_k_idx ON items (k)");
        load.busyFactor.set(1);
        await("resolved at the webhook").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
            .until(() -> hookEvents(sink).containsAll(List.of("regression/found/resolved/" + fingerprint,
                "regression/morning/resolved/" + fingerprint)));
        await("resolved in Alertmanager").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
            .until(() -> amRegressions(am, "found").isEmpty() && amRegressions(am, "morning").isEmpty());

        // Every state change exactly once, every body signed, nothing silenced sent.
        Map<String, Integer> counts = new HashMap<>();
        hookChanges(sink).forEach(e -> counts.merge(e, 1, Integer::sum));
        assertThat(counts).allSatisfy((event, n) -> assertThat(n).as(event).isEqualTo(1));
        assertThat(hookEvents(sink)).noneMatch(e -> e.startsWith("hot/"));
        assertThat(sink.accepted()).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        JsonNode alerts = restarted.json("/api/v1/alerts?state=resolved").get("alerts");
        assertThat(alerts).anySatisfy(a -> {
          assertThat(a.get("fingerprint").asText()).isEqualTo(fingerprint);
          assertThat(a.get("deliveries")).anySatisfy(d -> {
            assertThat(d.get("receiver").asText()).isEqualTo("hook");
            assertThat(d.get("outcome").asText()).isEqualTo("sent");
          });
        });
        assertThat(restarted.get("/alerts")).contains("EarlybirdRegression");
      } finally {
        restarted.close();
      }
    }
  }
}
