package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdvisorBoardTest {
  static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  static final Subject.Statement S = new Subject.Statement("pg", 5, "tenant_a", "a", 42, "fam");
  final AdvisorBoard board = new AdvisorBoard(Duration.ofHours(1));

  static Observation missingIndex(Subject s) {
    return new Observation("fp-" + AdvisorBoard.keyOf(s), Severity.INFO, s, "seq scan",
        new Evidence.Advice("missing_index", "add an index", "CREATE INDEX", Map.of()));
  }

  static Finding open(Observation o, String rule) {
    Evidence.Advice a = new Evidence.Advice(rule, "text", null, Map.of());
    return new Finding(o.fingerprint() + "-1", o.fingerprint(), Severity.INFO, FindingState.ACTIVE, o.subject(),
        "s", T0, T0, Optional.empty(), 1, 0, a);
  }

  @Test
  void aJudgedScopeHoldsWhatItListsAndClearsTheRest() {
    Observation o = missingIndex(S);
    board.judge(AdvisorBoard.Scope.of("missing_index", S), List.of(o), T0);
    var r = board.read(List.of(open(o, "missing_index")), T0.plusSeconds(60));
    assertThat(r.holds()).containsExactly(o);
    assertThat(r.unknown()).isEmpty();

    board.judge(AdvisorBoard.Scope.of("missing_index", S), List.of(), T0.plusSeconds(120));
    r = board.read(List.of(open(o, "missing_index")), T0.plusSeconds(180));
    assertThat(r.holds()).isEmpty();
    assertThat(r.unknown()).as("judged, and no longer holding: it may clear").isEmpty();
  }

  @Test
  void findingsOfScopesNotJudgedRecentlyAreUnknownSoTheyDoNotClearForWantOfAJudgement() {
    Observation o = missingIndex(S);
    Finding f = open(o, "missing_index");
    assertThat(board.read(List.of(f), T0).unknown()).containsExactly(f.fingerprint());

    board.judge(AdvisorBoard.Scope.of("missing_index", S), List.of(o), T0);
    var stale = board.read(List.of(f), T0.plus(Duration.ofHours(2)));
    assertThat(stale.holds()).as("a judgement older than validFor says nothing").isEmpty();
    assertThat(stale.unknown()).containsExactly(f.fingerprint());
  }

  @Test
  void counterBasedAdviceIsNotTheBoardsBusiness() {
    Finding spill = open(missingIndex(S), "temp_spill");
    assertThat(board.read(List.of(spill), T0).unknown()).isEmpty();
  }

  @Test
  void aFleetWideJudgementCoversEveryDatabasesFindingOfItsRule() {
    Subject.Database d = new Subject.Database("pg", 7, "tenant_d", "d");
    Observation drift = new Observation("drift-d", Severity.INFO, d, "lacks an index",
        new Evidence.Advice("fleet_index_drift", "create it", "CREATE INDEX", Map.of()));
    Finding gone = open(new Observation("drift-e", Severity.INFO, new Subject.Database("pg", 8, "tenant_e", "e"), "x",
        drift.evidence()), "fleet_index_drift");
    board.judge(AdvisorBoard.Scope.fleet("fleet_index_drift"), List.of(drift), T0);
    var r = board.read(List.of(open(drift, "fleet_index_drift"), gone), T0);
    assertThat(r.holds()).containsExactly(drift);
    assertThat(r.unknown()).as("drift-e was judged (fleet-wide) and is not listed: it clears").isEmpty();
  }
}
