package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.config.AlertsConfig;
import dev.earlybird.config.ReceiverConfig;
import dev.earlybird.config.ReceiverType;
import dev.earlybird.config.RouteConfig;
import dev.earlybird.history.AlertRecord;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.Alerting;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.NewNotification;
import dev.earlybird.history.OutboxEntry;
import dev.earlybird.history.Silence;
import dev.earlybird.model.AlertStage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.LabelMatcher;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which finding changes raise and resolve which alerts, and where they go, written with the findings into a real
 * store as the analysis does.
 */
class AlertPolicyTest {
  static final Instant T0 = Instant.parse("2026-12-08T03:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  JdbcHistoryStore store;
  Alerting alerting;
  Instant now = T0;

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("p.duckdb"), () -> now);
    alerting = store.alerting();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static ReceiverConfig hook(String name) {
    return new ReceiverConfig(name, ReceiverType.WEBHOOK, Optional.of(URI.create("http://127.0.0.1:1/" + name)),
        Optional.empty(), Optional.empty());
  }

  AlertPolicy policy(Severity min, List<RouteConfig> routes) {
    AlertsConfig config = new AlertsConfig(Duration.ofMinutes(90), min, List.of(hook("chat"), hook("pager")), routes);
    return new AlertPolicy(config, new AlertText(URI.create("https://eb.example.com")), alerting.alerts(),
        alerting.silences(), () -> now);
  }

  static Finding regression(String fp, FindingState state, Severity severity, String tenant) {
    return new Finding(fp + "-1", fp, severity, state,
        new Subject.Statement("pg1", 16384, "tenant_" + tenant, tenant, 42, "fam"), "3.0x slower per call", T0, T0,
        state == FindingState.RESOLVED ? Optional.of(T0) : Optional.empty(), 2, 0,
        new Evidence.Regression("rolling", 1, 3, 500, 400, 0.1, 3, 1e-6, 60, "exec_minus_io"));
  }

  /** Evaluates like the analysis: the alerts go into the store with the finding changes. */
  AlertWrites evaluate(AlertPolicy policy, List<Finding> before, List<Finding> changed) {
    AlertWrites w = policy.onFindings(before, changed);
    store.recordEvaluation(now, changed, List.of(), w);
    return w;
  }

  List<NewNotification> outbox() {
    return alerting.outbox().heads().stream().map(OutboxEntry::notification).toList();
  }

  @Test
  void aFindingThatBecomesActiveRaisesAFoundAlertAndItsResolveGoesToTheSameReceivers() throws Exception {
    AlertPolicy policy = policy(Severity.WARNING, List.of());
    Finding pending = regression("fp1", FindingState.PENDING, Severity.WARNING, "acme");
    assertThat(evaluate(policy, List.of(), List.of(pending)).notifications()).isEmpty();

    Finding active = regression("fp1", FindingState.ACTIVE, Severity.WARNING, "acme");
    AlertWrites raised = evaluate(policy, List.of(pending), List.of(active));
    assertThat(raised.alerts()).singleElement().satisfies(a -> {
      assertThat(a.stage()).isEqualTo(AlertStage.FOUND);
      assertThat(a.firing()).isTrue();
      assertThat(a.labels()).containsEntry("tenant", "acme").containsEntry("stage", "found");
    });
    assertThat(raised.notifications()).extracting(NewNotification::receiver).containsExactly("chat", "pager");
    assertThat(raised.notifications()).allSatisfy(n -> {
      assertThat(n.status()).isEqualTo("firing");
      assertThat(n.dedupKey()).isEqualTo("fp1");
    });
    JsonNode payload = JSON.readTree(raised.notifications().get(0).payload());
    assertThat(payload.get("type").asText()).isEqualTo("alert");
    assertThat(payload.get("finding").get("evidence").get("ratio").asDouble()).isEqualTo(3.0);
    assertThat(payload.get("annotations").get("url").asText())
        .isEqualTo("https://eb.example.com/queries/pg1/tenant_acme/42");
    // Stored with the findings: the outbox has them, one head per receiver.
    assertThat(outbox()).extracting(NewNotification::receiver).containsExactlyInAnyOrder("chat", "pager");

    // Still active in the next window: nothing new.
    assertThat(evaluate(policy, List.of(active), List.of(active)).notifications()).isEmpty();

    now = T0.plusSeconds(3600);
    Finding resolved = regression("fp1", FindingState.RESOLVED, Severity.WARNING, "acme");
    AlertWrites cleared = evaluate(policy, List.of(active), List.of(resolved));
    assertThat(cleared.alerts()).singleElement().satisfies(a -> {
      assertThat(a.firing()).isFalse();
      assertThat(a.endsAt()).contains(now);
      assertThat(a.startsAt()).isEqualTo(T0);
    });
    assertThat(cleared.notifications()).extracting(NewNotification::receiver, NewNotification::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("chat", "resolved"),
            org.assertj.core.groups.Tuple.tuple("pager", "resolved"));
    assertThat(alerting.alerts().firing("fp1")).isEmpty();
  }

  @Test
  void aSeverityThatRisesWhileActiveIsAlertedAgainAndOneThatFallsIsNot() {
    AlertPolicy policy = policy(Severity.WARNING, List.of());
    Finding warning = regression("fp6", FindingState.ACTIVE, Severity.WARNING, "acme");
    evaluate(policy, List.of(), List.of(warning));
    now = T0.plusSeconds(600);
    Finding critical = regression("fp6", FindingState.ACTIVE, Severity.CRITICAL, "acme");
    AlertWrites raised = evaluate(policy, List.of(warning), List.of(critical));
    assertThat(raised.alerts()).singleElement().satisfies(a -> {
      assertThat(a.labels()).containsEntry("severity", "critical");
      assertThat(a.startsAt()).isEqualTo(T0); // the same alert, updated
    });
    assertThat(raised.notifications()).hasSize(2).allSatisfy(n -> assertThat(n.status()).isEqualTo("firing"));
    assertThat(evaluate(policy, List.of(critical), List.of(warning)).notifications()).isEmpty();
    // Back up to critical: that was sent already, so nobody is paged again.
    assertThat(evaluate(policy, List.of(warning), List.of(critical)).notifications()).isEmpty();
  }

  @Test
  void findingsBelowTheMinimumSeverityAreNotAlerted() {
    AlertPolicy policy = policy(Severity.CRITICAL, List.of());
    assertThat(evaluate(policy, List.of(), List.of(regression("fp2", FindingState.ACTIVE, Severity.WARNING, "acme")))
        .alerts()).isEmpty();
  }

  @Test
  void routesPickTheReceiversAndTheMorningReRaiseKeepsTheDedupKey() {
    AlertPolicy policy = policy(Severity.WARNING, List.of(
        new RouteConfig(List.of(new LabelMatcher("stage", "found", true)), List.of("chat"), false),
        new RouteConfig(List.of(new LabelMatcher("stage", "morning", true)), List.of("pager"), false)));
    Finding active = regression("fp3", FindingState.ACTIVE, Severity.CRITICAL, "acme");
    assertThat(evaluate(policy, List.of(), List.of(active)).notifications())
        .extracting(NewNotification::receiver).containsExactly("chat");

    now = T0.plusSeconds(7200);
    AlertWrites morning = policy.morning(List.of(active));
    alerting.alerts().record(morning);
    assertThat(morning.notifications()).singleElement().satisfies(n -> {
      assertThat(n.receiver()).isEqualTo("pager");
      assertThat(n.dedupKey()).isEqualTo("fp3");
      assertThat(n.ref()).isEqualTo("fp3:morning");
    });
    assertThat(alerting.alerts().firing("fp3")).extracting(AlertRecord::stage)
        .containsExactlyInAnyOrder(AlertStage.FOUND, AlertStage.MORNING);
    // The next morning re-raises it again, as the same alert (its start kept).
    now = T0.plusSeconds(86_400);
    AlertWrites again = policy.morning(List.of(active));
    assertThat(again.alerts()).singleElement().satisfies(a -> assertThat(a.startsAt()).isEqualTo(T0.plusSeconds(7200)));
  }

  @Test
  void aSilencedAlertIsStoredAsSilencedAndNeitherItNorItsResolveIsSent() {
    alerting.silences().add(new Silence("s1", List.of(LabelMatcher.equal("tenant", "acme")), T0, T0.plusSeconds(86_400),
        "jane", "migration tonight", T0));
    AlertPolicy policy = policy(Severity.WARNING, List.of());
    Finding acme = regression("fp4", FindingState.ACTIVE, Severity.WARNING, "acme");
    Finding globex = regression("fp5", FindingState.ACTIVE, Severity.WARNING, "globex");
    AlertWrites w = evaluate(policy, List.of(), List.of(acme, globex));
    assertThat(w.alerts()).filteredOn(a -> a.fingerprint().equals("fp4"))
        .singleElement().satisfies(a -> assertThat(a.silencedBy()).contains("s1"));
    assertThat(w.notifications()).allSatisfy(n -> assertThat(n.ref()).startsWith("fp5"));

    now = T0.plusSeconds(600);
    AlertWrites resolved = evaluate(policy, List.of(acme), List.of(regression("fp4", FindingState.RESOLVED,
        Severity.WARNING, "acme")));
    assertThat(resolved.alerts()).singleElement().satisfies(a -> assertThat(a.firing()).isFalse());
    assertThat(resolved.notifications()).isEmpty();
  }

  @Test
  void aReviewDigestGoesToTheRoutesThatTakeReviews() throws Exception {
    AlertPolicy policy = policy(Severity.WARNING, List.of(
        new RouteConfig(List.of(new LabelMatcher("type", "review", true), new LabelMatcher("tenant", "acme|globex",
            true)), List.of("chat"), false)));
    List<NewNotification> digest = policy.digest("acme/2026-12-08", "acme", "{\"tenant\":\"acme\",\"hot\":[]}");
    assertThat(digest).singleElement().satisfies(n -> {
      assertThat(n.receiver()).isEqualTo("chat");
      assertThat(n.type()).isEqualTo("review");
    });
    assertThat(JSON.readTree(digest.get(0).payload()).get("review").get("tenant").asText()).isEqualTo("acme");
    assertThat(policy.digest("initech/2026-12-08", "initech", "{}")).isEmpty();
  }
}
