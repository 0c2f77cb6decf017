package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store keeps raw intervals in a partition per UTC day: maintenance makes the days around now, a day
 * whose rows went to the default partition gets them moved into its own, and retention drops whole days, with the
 * sums the same as on DuckDB's one table (the rollup tests run on both stores).
 */
class IntervalPartitionsTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  @TempDir Path dir;

  private static List<String> partitions(JdbcHistoryStore store) {
    return store.read("partitions", IntervalPartitions::partitions).stream().sorted().toList();
  }

  private static long rows(JdbcHistoryStore store, String table) {
    return store.read(table, c -> SqlRows.list(c, "SELECT count(*) FROM " + table, rs -> rs.getLong(1)).getFirst());
  }

  private static void poll(JdbcHistoryStore store, Instant end) {
    store.recordPoll(PollRecord.success(snapshot("t", end, Map.of()),
        List.of(interval(key("t", 1, 10, 100, true), end.minus(Duration.ofMinutes(10)), end, 2, 4))));
  }

  @Test
  void daysAroundNowArePreparedRowsInTheDefaultMoveAndRetentionDropsWholeDays() {
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    try (JdbcHistoryStore store = StoreKind.POSTGRES.open(dir, now::get)) {
      assertThat(partitions(store)).as("none before the first maintenance").isEmpty();
      poll(store, T0); // into the default partition: no day is prepared yet
      store.maintain(T0, Retention.DEFAULT);
      assertThat(partitions(store)).containsExactly("statement_interval_20260301", "statement_interval_20260302",
          "statement_interval_20260303", "statement_interval_20260304");
      assertThat(rows(store, "statement_interval_default")).as("moved into its day").isZero();
      assertThat(rows(store, "statement_interval_20260302")).isEqualTo(1);

      // A poll a week ahead of any prepared day lands in the default partition, and moves at the next maintenance.
      Instant later = T0.plus(Duration.ofDays(7));
      poll(store, later);
      assertThat(rows(store, "statement_interval_default")).isEqualTo(1);
      store.maintain(T0.plus(Duration.ofMinutes(5)), Retention.DEFAULT);
      assertThat(partitions(store)).contains("statement_interval_20260309");
      assertThat(rows(store, "statement_interval_default")).isZero();

      // Ten days on, every day before the raw retention (and rolled up) is dropped whole; the hour stays summed.
      now.set(later.plus(Duration.ofDays(3)));
      store.maintain(now.get(), Retention.DEFAULT);
      assertThat(partitions(store)).doesNotContain("statement_interval_20260302", "statement_interval_20260309")
          .contains("statement_interval_20260312");
      assertThat(rows(store, "statement_interval")).isZero();
      var hot = store.hotQueries(HotQueryFilter.between(T0.minus(Duration.ofHours(1)), later));
      assertThat(hot).singleElement().satisfies(r -> assertThat(r.usage().calls()).isEqualTo(4));
    }
  }

  @Test
  void theEmbeddedStoreHasNoPartitions() {
    try (JdbcHistoryStore store = StoreKind.DUCKDB.open(dir, () -> T0)) {
      store.maintain(T0, Retention.DEFAULT);
      assertThat(store.read("partitions", IntervalPartitions::partitions)).isEmpty();
    }
  }
}
