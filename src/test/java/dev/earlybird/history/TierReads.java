package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** What the tier tests share: changing a store's tables behind its back, and comparing reads up to rounding. */
final class TierReads {
  private TierReads() {}

  /** Runs one statement that changes rows, committed. */
  static void execute(JdbcHistoryStore store, String sql) {
    store.transactions.write("change " + sql, c -> {
      try (var s = c.createStatement()) {
        s.executeUpdate(sql);
      }
    });
  }

  /** The same rows, non-empty, with doubles equal up to 1e-9 relative (sums in another order round differently). */
  static void assertSame(List<HotQueryRow> actual, List<HotQueryRow> expected) {
    assertThat(actual).isNotEmpty();
    assertThat(actual)
        .usingRecursiveComparison()
        .withComparatorForType(TierReads::closeTo, Double.class)
        .isEqualTo(expected);
  }

  static int closeTo(Double a, Double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? 0 : Double.compare(a, b);
  }
}
