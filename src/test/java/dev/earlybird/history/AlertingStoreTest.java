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
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The alerting tables in each store: its transactions, restarts and failures. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class AlertingStoreTest extends AlertingBehaviour {
  @Parameter StoreKind kind;

  @TempDir Path dir;
  JdbcHistoryStore store;

  @Override
  Transactions transactions() {
    store = kind.open(dir, () -> T0);
    return store.transactions;
  }

  @Override
  void maintain(Instant now, Retention retention) {
    store.maintain(now, retention);
  }

  private void open() {
    alerting = Alerting.over(transactions());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aRefusedReviewIsNoStoreFailure() {
    LocalDate d8 = LocalDate.parse("2026-12-08");
    alerting.reviews().record(review("acme", d8), AlertWrites.NONE);
    assertThatThrownBy(() -> alerting.reviews().record(review("acme", d8), AlertWrites.NONE))
        .isInstanceOf(HistoryException.class).isNotInstanceOf(StoreWriteException.class);
    assertThat(store.health().up()).isTrue();
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
      public <T> T read(String what, JdbcHistoryStore.SqlRead<T> read) {
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
}
