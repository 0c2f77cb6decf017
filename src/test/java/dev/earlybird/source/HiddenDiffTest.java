package dev.earlybird.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.HiddenEntries;
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
}
