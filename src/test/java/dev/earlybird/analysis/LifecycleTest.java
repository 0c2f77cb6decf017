package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  static final Instant T0 = Instant.parse("2026-11-20T06:00:00Z");
  final Lifecycle lifecycle = new Lifecycle(2, 2);
  List<Finding> open = new ArrayList<>();
  int windowNo;

  static Observation seen(String fp) {
    return new Observation(fp, Severity.WARNING, new Subject.Statement("pg", 1, "tenant_a", "a", 42, "fam"), "slower",
        new Evidence.Regression("rolling", 1, 3, 100, 100, 0.1, 3, 0.0001, 60, "exec_time"));
  }

  Period next() {
    Period p = new Period(T0.plusSeconds(60L * windowNo), T0.plusSeconds(60L * (windowNo + 1)));
    windowNo++;
    return p;
  }

  /** Runs one window and keeps the open set as the store would. */
  Lifecycle.Changes step(List<Observation> holds, Set<String> unknown) {
    Lifecycle.Changes c = lifecycle.advance(open, holds, unknown, next());
    List<Finding> now = new ArrayList<>(open);
    now.removeIf(f -> c.deletedIds().contains(f.id()) || c.changed().stream().anyMatch(x -> x.id().equals(f.id())));
    c.changed().stream().filter(f -> f.state() != FindingState.RESOLVED).forEach(now::add);
    open = now;
    return c;
  }

  @Test
  void pendingThenActiveAfterPersistenceWithSinceAtTheFirstWindow() {
    assertThat(step(List.of(seen("a")), Set.of()).changed()).singleElement()
        .satisfies(f -> assertThat(f.state()).isEqualTo(FindingState.PENDING));
    Finding active = step(List.of(seen("a")), Set.of()).changed().get(0);
    assertThat(active.state()).isEqualTo(FindingState.ACTIVE);
    assertThat(active.since()).isEqualTo(T0);
    assertThat(active.lastSeen()).isEqualTo(T0.plusSeconds(120));
    assertThat(active.streak()).isEqualTo(2);
  }

  @Test
  void aPendingFindingWhoseStreakBreaksIsDropped() {
    step(List.of(seen("a")), Set.of());
    Lifecycle.Changes c = step(List.of(), Set.of());
    assertThat(c.deletedIds()).containsExactly("a-" + T0.getEpochSecond());
    assertThat(c.changed()).isEmpty();
    assertThat(open).isEmpty();
  }

  @Test
  void anActiveFindingResolvesAfterTwoCleanWindowsAndAnUnknownWindowChangesNothing() {
    step(List.of(seen("a")), Set.of());
    step(List.of(seen("a")), Set.of());
    assertThat(step(List.of(), Set.of("a")).changed()).as("unknown: no change").isEmpty();
    Finding once = step(List.of(), Set.of()).changed().get(0);
    assertThat(once.state()).isEqualTo(FindingState.ACTIVE);
    assertThat(once.clearStreak()).isEqualTo(1);
    Finding resolved = step(List.of(), Set.of()).changed().get(0);
    assertThat(resolved.state()).isEqualTo(FindingState.RESOLVED);
    assertThat(resolved.resolvedAt()).contains(T0.plusSeconds(300));
    assertThat(resolved.lastSeen()).isEqualTo(T0.plusSeconds(120));
  }

  @Test
  void aConditionThatReturnsBeforeResolvingKeepsTheSameFinding() {
    step(List.of(seen("a")), Set.of());
    String id = step(List.of(seen("a")), Set.of()).changed().get(0).id();
    step(List.of(), Set.of());
    Finding back = step(List.of(seen("a")), Set.of()).changed().get(0);
    assertThat(back.id()).isEqualTo(id);
    assertThat(back.clearStreak()).isZero();
    assertThat(back.state()).isEqualTo(FindingState.ACTIVE);
  }

  @Test
  void persistenceOfOneIsActiveAtOnce() {
    Lifecycle.Changes c = new Lifecycle(1, 1).advance(List.of(), List.of(seen("a")), Set.of(), next());
    assertThat(c.changed().get(0).state()).isEqualTo(FindingState.ACTIVE);
  }

  static Observation advice(String fp, Evidence.Applied applied) {
    Evidence.Advice a = new Evidence.Advice("missing_index", "add an index", "CREATE INDEX CONCURRENTLY ON public.t (c)",
        java.util.Map.of());
    return new Observation(fp, Severity.INFO, new Subject.Statement("pg", 1, "tenant_a", "a", 42, "fam"), "seq scan",
        applied == null ? a : a.withApplied(applied));
  }

  @Test
  void adviceSeenAppliedIsAppliedAtOnceAndResolvesLikeAnyOtherWhenNoLongerJudged() {
    step(List.of(advice("x", null)), Set.of());
    assertThat(step(List.of(advice("x", null)), Set.of()).changed().get(0).state()).isEqualTo(FindingState.ACTIVE);
    var applied = new Evidence.Applied(T0, T0.plusSeconds(60), Evidence.Applied.PENDING,
        new Evidence.Side(100, 5, 4, "exec_time"), new Evidence.Side(0, 0, 0, "exec_time"), Double.NaN);
    Finding f = step(List.of(advice("x", applied)), Set.of()).changed().get(0);
    assertThat(f.state()).isEqualTo(FindingState.APPLIED);
    // Not judged (unknown): stays applied.
    assertThat(step(List.of(), Set.of("x")).changed()).isEmpty();
    // Judged and no longer holding: applied until resolveAfter windows pass, then resolved.
    assertThat(step(List.of(), Set.of()).changed().get(0).state()).isEqualTo(FindingState.APPLIED);
    assertThat(step(List.of(), Set.of()).changed().get(0).state()).isEqualTo(FindingState.RESOLVED);
  }
}
