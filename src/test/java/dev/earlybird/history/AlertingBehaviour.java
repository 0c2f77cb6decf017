package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.AlertStage;
import dev.earlybird.model.LabelMatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the alerting tables do, whichever database holds them: {@link AlertingStoreTest} runs it on each store (DuckDB
 * and PostgreSQL), so the SQL stays portable.
 */
abstract class AlertingBehaviour {
  static final Instant T0 = Instant.parse("2026-12-08T06:00:00Z");

  Transactions tx;
  Alerting alerting;

  /** The database's transactions, with empty alerting tables. */
  abstract Transactions transactions();

  /** Applies retention as the agent does. */
  abstract void maintain(Instant now, Retention retention);

  @BeforeEach
  void alerting() {
    tx = transactions();
    alerting = Alerting.over(tx);
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

  List<String> headStatuses() {
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
  }

  @Test
  void reviewsAreReadAPageAfterOrBeforeAPosition() {
    LocalDate d = LocalDate.parse("2026-12-01");
    for (int i = 0; i < 3; i++) {
      alerting.reviews().record(review("acme", d.plusDays(i)), AlertWrites.NONE);
      alerting.reviews().record(review("globex", d.plusDays(i)), AlertWrites.NONE);
    }
    // The list: acme/03, globex/03, acme/02, globex/02, acme/01, globex/01.
    Instant dec2 = review("acme", d.plusDays(1)).scheduledFor();
    var after = new ReviewStore.Seek(dec2, "acme", false);
    assertThat(alerting.reviews().reviews(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(after), 2))
        .extracting(StoredReview::id).containsExactly("globex/2026-12-02", "acme/2026-12-01");
    var before = new ReviewStore.Seek(dec2, "acme", true);
    assertThat(alerting.reviews().reviews(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(before), 2))
        .extracting(StoredReview::id).containsExactly("acme/2026-12-03", "globex/2026-12-03");
    assertThat(alerting.reviews().reviews(Optional.of("globex"), Optional.empty(), Optional.empty(),
            Optional.of(after), 10))
        .extracting(StoredReview::id).containsExactly("globex/2026-12-02", "globex/2026-12-01");
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
  void retentionKeepsUndeliveredNotificationsAndFiringAlertsDeliveries() {
    Instant old = T0.minus(Duration.ofDays(500));
    alerting.alerts().record(new AlertWrites(
        List.of(alert("firing", AlertStage.FOUND, true, old), alert("gone", AlertStage.FOUND, false, old),
            alert("recent", AlertStage.FOUND, false, T0)),
        // An alert's notifications refer to it as fingerprint:stage.
        List.of(note("pager", "gone:found", "resolved", old), note("pager", "firing:found", "firing", old),
            note("chat", "gone:found", "resolved", old), note("mail", "recent:found", "resolved", T0))));
    var byRef = alerting.outbox().heads();
    alerting.outbox().sent(byRef.stream().filter(e -> e.receiver().equals("pager")).findFirst().orElseThrow().id(), old);
    alerting.outbox().sent(alerting.outbox().heads().stream().filter(e -> e.receiver().equals("pager"))
        .findFirst().orElseThrow().id(), old);
    alerting.reviews().record(review("acme", LocalDate.parse("2025-06-01")), AlertWrites.NONE);
    alerting.reviews().record(review("acme", LocalDate.parse("2026-12-07")), AlertWrites.NONE);

    maintain(T0, Retention.DEFAULT);

    assertThat(alerting.outbox().deliveries("gone:found")).as("an old delivered notification goes")
        .extracting(OutboxEntry::receiver).containsExactly("chat"); // chat's is undelivered: kept
    assertThat(alerting.outbox().deliveries("firing:found")).as("the firing alert's delivery stays").hasSize(1);
    assertThat(alerting.outbox().deliveries("recent:found")).hasSize(1);
    assertThat(alerting.alerts().alerts(Optional.empty(), 10)).extracting(AlertRecord::fingerprint)
        .containsExactly("recent", "firing");
    assertThat(alerting.reviews().reviews(Optional.empty(), Optional.empty(), Optional.empty(), 10))
        .extracting(StoredReview::id).containsExactly("acme/2026-12-07");
    assertThat(alerting.reviews().reviewedThrough()).isEqualTo(Map.of("acme", LocalDate.parse("2026-12-07")));
  }
}
