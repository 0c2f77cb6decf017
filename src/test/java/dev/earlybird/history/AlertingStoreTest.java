package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.AlertStage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.LabelMatcher;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertingStoreTest {
  static final Instant T0 = Instant.parse("2026-12-08T06:00:00Z");

  @TempDir Path dir;
  DuckDbHistoryStore store;
  Alerting alerting;

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("a.duckdb"), () -> T0);
    alerting = store.alerting();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static AlertRecord alert(String fingerprint, AlertStage stage, boolean firing, Instant updatedAt) {
    return new AlertRecord(fingerprint, stage, fingerprint + "-1", firing,
        Map.of("alertname", "EarlybirdRegression", "tenant", "acme"), Map.of("summary", "3x slower <b>"),
        List.of("pager", "chat"), Optional.empty(), T0, updatedAt,
        firing ? Optional.empty() : Optional.of(updatedAt));
  }

  static NewNotification note(String receiver, String ref, String status, Instant at) {
    return new NewNotification(receiver, "alert", ref, status, ref + "/" + status, "{\"status\":\"" + status + "\"}", at);
  }

  static AlertWrites notes(NewNotification... n) {
    return new AlertWrites(List.of(), List.of(n));
  }

  static StoredReview review(String tenant, LocalDate workday) {
    Instant scheduled = workday.atTime(6, 0).toInstant(java.time.ZoneOffset.UTC);
    return new StoredReview(StoredReview.idOf(tenant, workday), tenant, workday, scheduled, scheduled.plusSeconds(5),
        false, "{\"tenant\":\"" + tenant + "\",\"workday\":\"" + workday + "\"}");
  }

  private List<String> headStatuses() {
    return alerting.outbox().heads().stream().map(e -> e.receiver() + ":" + e.notification().status()).toList();
  }

  @Test
  void eachReceiverGetsItsOldestUndeliveredNotificationFirst() {
    alerting.alerts().record(notes(
        note("pager", "fp1", "firing", T0), note("chat", "fp1", "firing", T0), note("pager", "fp1", "resolved", T0)));
    assertThat(headStatuses()).containsExactly("pager:firing", "chat:firing");

    long pagerFiring = alerting.outbox().heads().get(0).id();
    // The resolve is not up while the firing waits for a retry, however long the wait.
    alerting.outbox().retry(pagerFiring, T0.plus(Duration.ofHours(1)), "HTTP 503 from pager");
    OutboxEntry retried = alerting.outbox().heads().get(0);
    assertThat(retried.id()).isEqualTo(pagerFiring);
    assertThat(retried.attempts()).isEqualTo(1);
    assertThat(retried.nextAttemptAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(retried.lastError()).contains("HTTP 503 from pager");
    assertThat(headStatuses()).containsExactly("pager:firing", "chat:firing");

    alerting.outbox().sent(pagerFiring, T0.plusSeconds(10));
    assertThat(headStatuses()).containsExactly("chat:firing", "pager:resolved");
    long chat = alerting.outbox().heads().get(0).id();
    alerting.outbox().giveUp(chat, T0.plusSeconds(11), "suppressed", "silenced by s1");
    assertThat(headStatuses()).containsExactly("pager:resolved");
    assertThat(alerting.outbox().backlog())
        .containsExactly(new Outbox.Backlog("pager", 1, Optional.of(T0)));

    // A second report of a done delivery changes nothing.
    alerting.outbox().giveUp(pagerFiring, T0.plusSeconds(12), "failed", "late");
    OutboxEntry pager = alerting.outbox().deliveries("fp1").stream()
        .filter(e -> e.receiver().equals("pager")).findFirst().orElseThrow();
    assertThat(pager.notification().status()).as("the latest per receiver").isEqualTo("resolved");
    assertThat(alerting.outbox().deliveries("fp1")).extracting(OutboxEntry::receiver, e -> e.outcome().orElse("pending"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("chat", "suppressed"),
            org.assertj.core.groups.Tuple.tuple("pager", "pending"));
    OutboxEntry chatDone = alerting.outbox().deliveries("fp1").get(0);
    assertThat(chatDone.doneAt()).contains(T0.plusSeconds(11));
    assertThat(chatDone.lastError()).contains("silenced by s1");
    assertThat(chatDone.attempts()).as("suppressed without a try").isZero();
    assertThat(alerting.outbox().deliveries("other")).isEmpty();
  }

  @Test
  void aNotificationIsGivenUpOnlyAsFailedOrSuppressed() {
    assertThatThrownBy(() -> alerting.outbox().giveUp(1, T0, "sent", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failed or suppressed");
  }

  @Test
  void alertsAreUpsertedPerFingerprintAndStageNewestFirst() {
    alerting.alerts().record(new AlertWrites(List.of(
        alert("fp1", AlertStage.FOUND, true, T0), alert("fp1", AlertStage.MORNING, true, T0.plusSeconds(1)),
        alert("fp2", AlertStage.FOUND, true, T0.plusSeconds(2))), List.of()));
    alerting.alerts().record(new AlertWrites(List.of(alert("fp2", AlertStage.FOUND, false, T0.plusSeconds(3))),
        List.of()));

    assertThat(alerting.alerts().alerts(Optional.empty(), 10))
        .extracting(a -> a.fingerprint() + "/" + a.stage().label() + "/" + a.firing())
        .containsExactly("fp2/found/false", "fp1/morning/true", "fp1/found/true");
    assertThat(alerting.alerts().alerts(Optional.of(true), 1)).extracting(AlertRecord::stage)
        .containsExactly(AlertStage.MORNING);
    AlertRecord resolved = alerting.alerts().alerts(Optional.of(false), 10).get(0);
    assertThat(resolved).isEqualTo(alert("fp2", AlertStage.FOUND, false, T0.plusSeconds(3)));
    assertThat(alerting.alerts().firing("fp1")).extracting(AlertRecord::stage)
        .containsExactly(AlertStage.FOUND, AlertStage.MORNING);
    assertThat(alerting.alerts().firing("fp2")).isEmpty();
  }

  @Test
  void aReviewMovesItsTenantsMarkForwardOnlyAndStoresItsNotifications() {
    LocalDate d8 = LocalDate.parse("2026-12-08");
    alerting.reviews().firstSeen("acme", d8.minusDays(1));
    alerting.reviews().firstSeen("acme", d8.minusDays(5));
    alerting.reviews().firstSeen("globex", d8);
    assertThat(alerting.reviews().reviewedThrough())
        .isEqualTo(Map.of("acme", d8.minusDays(1), "globex", d8));

    alerting.reviews().record(review("acme", d8), notes(note("pager", "acme/2026-12-08", "review", T0)));
    alerting.reviews().record(review("acme", d8.minusDays(2)), AlertWrites.NONE); // late, for an older day
    alerting.reviews().record(review("initech", d8), AlertWrites.NONE); // never seen before
    assertThat(alerting.reviews().reviewedThrough())
        .isEqualTo(Map.of("acme", d8, "globex", d8, "initech", d8));
    assertThat(alerting.outbox().heads()).extracting(e -> e.notification().ref()).containsExactly("acme/2026-12-08");
    assertThat(alerting.reviews().review("acme/2026-12-08")).contains(review("acme", d8));
    assertThat(alerting.reviews().review("acme/2026-12-09")).isEmpty();
  }

  @Test
  void aReviewIsStoredOnceAndASecondRunChangesNothing() {
    LocalDate d8 = LocalDate.parse("2026-12-08");
    alerting.reviews().record(review("acme", d8), notes(note("pager", "acme/2026-12-08", "review", T0)));
    StoredReview again = new StoredReview("acme/2026-12-08", "acme", d8, T0, T0.plusSeconds(60), true, "{}");
    assertThatThrownBy(() -> alerting.reviews().record(again, new AlertWrites(
            List.of(alert("fp9", AlertStage.MORNING, true, T0)), List.of(note("pager", "fp9", "firing", T0)))))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("review acme/2026-12-08 is stored already");
    assertThat(alerting.reviews().review("acme/2026-12-08")).contains(review("acme", d8));
    assertThat(alerting.alerts().alerts(Optional.empty(), 10)).isEmpty();
    assertThat(alerting.outbox().backlog()).containsExactly(new Outbox.Backlog("pager", 1, Optional.of(T0)));
    assertThat(store.health().up()).as("a refused review is no store failure").isTrue();
  }

  @Test
  void aReviewWithABadRowStoresNothingAtAll() {
    LocalDate d8 = LocalDate.parse("2026-12-08");
    alerting.reviews().firstSeen("acme", d8.minusDays(1));
    var badNote = note("pager", "fp9", "firing", Instant.MAX); // beyond what the store can hold
    assertThatThrownBy(() -> alerting.reviews().record(review("acme", d8), new AlertWrites(
            List.of(alert("fp9", AlertStage.MORNING, true, T0)), List.of(note("chat", "fp9", "firing", T0), badNote))))
        .isInstanceOf(StoreWriteException.class);
    assertThat(alerting.reviews().review("acme/2026-12-08")).isEmpty();
    assertThat(alerting.reviews().reviewedThrough()).isEqualTo(Map.of("acme", d8.minusDays(1)));
    assertThat(alerting.alerts().alerts(Optional.empty(), 10)).isEmpty();
    assertThat(alerting.outbox().heads()).isEmpty();
    // and the review can run again
    alerting.reviews().record(review("acme", d8), AlertWrites.NONE);
    assertThat(alerting.reviews().reviewedThrough()).isEqualTo(Map.of("acme", d8));
  }

  @Test
  void reviewsAreListedNewestFirstByScheduledTime() {
    LocalDate d = LocalDate.parse("2026-12-01");
    for (int i = 0; i < 4; i++) {
      alerting.reviews().record(review("acme", d.plusDays(i)), AlertWrites.NONE);
      alerting.reviews().record(review("globex", d.plusDays(i)), AlertWrites.NONE);
    }
    assertThat(alerting.reviews().reviews(Optional.of("acme"), Optional.empty(), Optional.empty(), 10))
        .extracting(StoredReview::id)
        .containsExactly("acme/2026-12-04", "acme/2026-12-03", "acme/2026-12-02", "acme/2026-12-01");
    Instant dec2 = Instant.parse("2026-12-02T00:00:00Z");
    assertThat(alerting.reviews().reviews(Optional.empty(), Optional.of(dec2), Optional.of(dec2.plus(Duration.ofDays(2))), 10))
        .extracting(StoredReview::id)
        .containsExactly("acme/2026-12-03", "globex/2026-12-03", "acme/2026-12-02", "globex/2026-12-02");
    assertThat(alerting.reviews().reviews(Optional.empty(), Optional.empty(), Optional.empty(), 1))
        .extracting(StoredReview::id).containsExactly("acme/2026-12-04");
  }

  @Test
  void silencesAreCurrentUntilTheyEndEarliestEndFirst() {
    var matchers = List.of(LabelMatcher.equal("tenant", "acme"), new LabelMatcher("alertname", "Earlybird.*", true));
    Silence longer = new Silence("s1", matchers, T0, T0.plus(Duration.ofHours(8)), "dba@acme", "upgrade", T0);
    Silence shorter = new Silence("s2", List.of(LabelMatcher.equal("target", "pg1")), T0.plus(Duration.ofHours(1)),
        T0.plus(Duration.ofHours(2)), "sre", "", T0);
    alerting.silences().add(longer);
    alerting.silences().add(shorter);
    assertThat(alerting.silences().current(T0)).containsExactly(shorter, longer);
    assertThat(alerting.silences().current(T0.plus(Duration.ofHours(2)))).containsExactly(longer);
    assertThat(alerting.silences().delete("s1")).isTrue();
    assertThat(alerting.silences().delete("s1")).isFalse();
    assertThat(alerting.silences().current(T0)).containsExactly(shorter);
  }

  @Test
  void everythingSurvivesARestart() {
    LocalDate d8 = LocalDate.parse("2026-12-08");
    alerting.alerts().record(new AlertWrites(List.of(alert("fp1", AlertStage.FOUND, true, T0)),
        List.of(note("pager", "fp1", "firing", T0), note("pager", "fp1", "resolved", T0))));
    alerting.reviews().record(review("acme", d8), AlertWrites.NONE);
    Silence s = new Silence("s1", List.of(LabelMatcher.equal("tenant", "acme")), T0, T0.plusSeconds(60), "me", "", T0);
    alerting.silences().add(s);
    List<OutboxEntry> heads = alerting.outbox().heads();
    store.close();

    open();
    assertThat(alerting.outbox().heads()).isEqualTo(heads);
    assertThat(alerting.outbox().backlog()).containsExactly(new Outbox.Backlog("pager", 2, Optional.of(T0)));
    assertThat(alerting.alerts().firing("fp1")).containsExactly(alert("fp1", AlertStage.FOUND, true, T0));
    assertThat(alerting.reviews().review("acme/2026-12-08")).contains(review("acme", d8));
    assertThat(alerting.reviews().reviewedThrough()).isEqualTo(Map.of("acme", d8));
    assertThat(alerting.silences().current(T0)).containsExactly(s);
    // new notifications go after the ones written before the restart
    alerting.alerts().record(notes(note("pager", "fp2", "firing", T0)));
    assertThat(alerting.outbox().backlog()).containsExactly(new Outbox.Backlog("pager", 3, Optional.of(T0)));
    alerting.outbox().sent(heads.get(0).id(), T0);
    assertThat(headStatuses()).containsExactly("pager:resolved");
  }

  @Test
  void aWriteFailingBeforeItsCommitLeavesTheOutboxAsItWas() {
    alerting.alerts().record(notes(note("pager", "fp1", "firing", T0)));
    List<OutboxEntry> before = alerting.outbox().heads();
    // The same store, but each write fails after its SQL ran, as a full disk fails a commit.
    Transactions failing = new Transactions() {
      @Override
      public void write(String what, Work work) {
        store.transactions.write(what, c -> {
          work.run(c);
          throw new SQLException("No space left on device");
        });
      }

      @Override
      public <T> T read(String what, DuckDbHistoryStore.SqlRead<T> read) {
        return store.transactions.read(what, read);
      }
    };
    Outbox broken = Alerting.over(failing).outbox();
    assertThatThrownBy(() -> broken.sent(before.get(0).id(), T0)).isInstanceOf(StoreWriteException.class)
        .hasMessageContaining("No space left on device");
    assertThatThrownBy(() -> Alerting.over(failing).alerts().record(notes(note("pager", "fp2", "firing", T0))))
        .isInstanceOf(StoreWriteException.class);
    assertThat(alerting.outbox().heads()).isEqualTo(before);
    assertThat(alerting.outbox().backlog()).containsExactly(new Outbox.Backlog("pager", 1, Optional.of(T0)));
  }

  @Test
  void anEvaluationStoresItsFindingsAndNotificationsTogether() {
    var evidence = new Evidence.Regression("seasonal", 2.0, 7.0, 400, 120, 0.5, 3.5, 1e-6, 42.0, "exec_time");
    var f = new Finding("fp1-1", "fp1", Severity.WARNING, FindingState.ACTIVE,
        new Subject.Statement("pg1", 5, "tenant_acme", "acme", 42, "abc"), "3.5x slower per call",
        T0.minusSeconds(120), T0, Optional.empty(), 2, 0, evidence);
    store.recordEvaluation(T0, List.of(f), List.of(), new AlertWrites(
        List.of(alert("fp1", AlertStage.FOUND, true, T0)), List.of(note("pager", "fp1", "firing", T0))));
    assertThat(store.openFindings()).containsExactly(f);
    assertThat(alerting.alerts().firing("fp1")).extracting(AlertRecord::findingId).containsExactly("fp1-1");
    assertThat(headStatuses()).containsExactly("pager:firing");
  }

  @Test
  void retentionKeepsUndeliveredNotificationsAndFiringAlertsDeliveries() {
    Instant old = T0.minus(Duration.ofDays(500));
    alerting.alerts().record(new AlertWrites(
        List.of(alert("firing", AlertStage.FOUND, true, old), alert("gone", AlertStage.FOUND, false, old),
            alert("recent", AlertStage.FOUND, false, T0)),
        List.of(note("pager", "gone", "resolved", old), note("pager", "firing", "firing", old),
            note("chat", "gone", "resolved", old), note("mail", "recent", "resolved", T0))));
    var byRef = alerting.outbox().heads();
    alerting.outbox().sent(byRef.stream().filter(e -> e.receiver().equals("pager")).findFirst().orElseThrow().id(), old);
    alerting.outbox().sent(alerting.outbox().heads().stream().filter(e -> e.receiver().equals("pager"))
        .findFirst().orElseThrow().id(), old);
    alerting.reviews().record(review("acme", LocalDate.parse("2025-06-01")), AlertWrites.NONE);
    alerting.reviews().record(review("acme", LocalDate.parse("2026-12-07")), AlertWrites.NONE);

    store.maintain(T0, Retention.DEFAULT);

    assertThat(alerting.outbox().deliveries("gone")).as("an old delivered notification goes")
        .extracting(OutboxEntry::receiver).containsExactly("chat"); // chat's is undelivered: kept
    assertThat(alerting.outbox().deliveries("firing")).as("the firing alert's delivery stays").hasSize(1);
    assertThat(alerting.outbox().deliveries("recent")).hasSize(1);
    assertThat(alerting.alerts().alerts(Optional.empty(), 10)).extracting(AlertRecord::fingerprint)
        .containsExactly("recent", "firing");
    assertThat(alerting.reviews().reviews(Optional.empty(), Optional.empty(), Optional.empty(), 10))
        .extracting(StoredReview::id).containsExactly("acme/2026-12-07");
    assertThat(alerting.reviews().reviewedThrough()).isEqualTo(Map.of("acme", LocalDate.parse("2026-12-07")));
  }
}
