package dev.earlybird.source;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counters;
import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import dev.earlybird.model.HiddenEntries.Group;
import dev.earlybird.model.HiddenEntries.Totals;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Work of other roles' hidden entries: a lower bound, never negative, never invented. */
class HiddenDiffTest {
  static final Group APP = new Group(16384, 10, true);
  static final Group BATCH = new Group(16384, 11, true);

  @Test
  void unknownPreviousCountsNothing() {
    assertThat(HiddenDiff.between(null, hidden(Map.of(APP, new Totals(100, 50))))).isEqualTo(Totals.ZERO);
  }

  @Test
  void aGroupThatGrewCountsItsGrowth() {
    var before = hidden(Map.of(APP, new Totals(100, 50)));
    var now = hidden(Map.of(APP, new Totals(130, 65)));
    assertThat(HiddenDiff.between(before, now)).isEqualTo(new Totals(30, 15));
  }

  @Test
  void aNewGroupWasCreatedWithinTheIntervalAndCountsWhole() {
    var before = hidden(Map.of(APP, new Totals(100, 50)));
    var now = hidden(Map.of(APP, new Totals(100, 50), BATCH, new Totals(7, 3.5)));
    assertThat(HiddenDiff.between(before, now)).isEqualTo(new Totals(7, 3.5));
  }

  @Test
  void aGroupThatShrankCountsNothingRatherThanANegativeNumber() {
    var before = hidden(Map.of(APP, new Totals(100, 50), BATCH, new Totals(10, 10)));
    var now = hidden(Map.of(APP, new Totals(40, 20), BATCH, new Totals(12, 11)));
    assertThat(HiddenDiff.between(before, now)).isEqualTo(new Totals(2, 1));
  }

  private static HiddenEntries hidden(Map<Group, Totals> groups) {
    return new HiddenEntries(groups.size(), groups);
  }

  @Test
  void statementsRevealedByAGrantCountFromTheirNextPollNotWithEverythingTheyDidWhileHidden() {
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    StatementKey own = new StatementKey("pg", 16384, 20, 1, true); // the agent's role: always visible
    StatementKey revealed = new StatementKey("pg", 16384, 10, 2, true); // APP's, hidden until the grant
    Snapshot before = snapshot(t0, Map.of(own, counters(5)));
    Snapshot after = snapshot(t0.plusSeconds(60), Map.of(own, counters(7), revealed, counters(1000)));
    DiffResult diff = StatementDiff.between(before, after);
    assertThat(diff.intervals()).hasSize(2);

    DiffResult kept = HiddenDiff.withoutRevealed(diff, hidden(Map.of(APP, new Totals(1000, 500))));
    assertThat(kept.intervals()).singleElement().satisfies(i -> {
      assertThat(i.key()).isEqualTo(own);
      assertThat(i.calls()).isEqualTo(2);
    });
    assertThat(kept.newKeys()).contains(revealed); // its text is still fetched
    assertThat(HiddenDiff.withoutRevealed(diff, HiddenEntries.NONE)).isSameAs(diff);
  }

  private static Snapshot snapshot(Instant at, Map<StatementKey, Counters> entries) {
    return new Snapshot("pg", at, Optional.empty(), OptionalLong.empty(), entries);
  }

  private static Counters counters(long calls) {
    return new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, calls * 2.0)
            .with(Counter.ROWS, calls), 2.0, 0, 0, 0, null, OptionalDouble.empty());
  }

  @Test
  void theProblemNamesTheGrantForTheRoleOrNothingWhenNothingIsHidden() {
    var hidden = hidden(Map.of(APP, new Totals(1, 1), BATCH, new Totals(1, 1)));
    assertThat(hidden.problem(8, "earlybird")).startsWith("2 of 10 pg_stat_statements entries")
        .endsWith("Fix: GRANT pg_read_all_stats TO earlybird;");
    assertThat(hidden.problem(8, "Monitor \"eb\"")).endsWith("TO \"Monitor \"\"eb\"\"\";");
    assertThat(HiddenEntries.NONE.problem(8, "earlybird")).isNull();
  }
}
