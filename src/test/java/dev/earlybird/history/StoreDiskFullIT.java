package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.Snapshot;
import dev.earlybird.testing.Tmpfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real 12 MB tmpfs that runs full, as a poller and the maintenance loop use it: every write on the
 * full disk fails whole (nothing of a poll lands), the store says so once and once when it writes again, reads
 * go on, maintenance (whose checkpoint on a full disk invalidates DuckDB's database) fails without breaking
 * anything, and once space returns the store writes again by itself; the next poll diffs against the last stored
 * snapshot, so the history is exact: nothing lost, nothing counted twice.
 */
class StoreDiskFullIT {
  static final String TARGET = CrashWriterMain.TARGET;

  @TempDir Path dir;

  @Test
  void aFullDiskFailsWholeWritesOnlyAndTheStoreRecoversWhenSpaceReturns() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 12);
        JdbcHistoryStore store = DuckDbHistoryStore.open(disk.dir().resolve("h.duckdb"))) {
      List<String> heard = new ArrayList<>();
      store.health().listen(new StoreHealth.Listener() {
        @Override
        public void failing(String problem) {
          heard.add("failing: " + problem);
        }

        @Override
        public void recovered(Duration after, long failedWrites) {
          heard.add("recovered after " + failedWrites + " failed writes");
        }
      });
      for (long seq = 0; seq < 5; seq++) {
        poll(store, seq);
      }
      assertThat(store.health().up()).isTrue();

      disk.fill();
      for (long seq = 5; seq < 8; seq++) {
        long s = seq;
        assertThatThrownBy(() -> poll(store, s)).isInstanceOf(StoreWriteException.class)
            .hasMessageContaining("cannot record a poll of " + TARGET + " in history store " + store.where())
            .hasMessageContaining("No space left on device");
      }
      assertThatThrownBy(() -> store.maintain(CrashWriterMain.BASE.plus(Duration.ofDays(3)), Retention.DEFAULT))
          .isInstanceOf(StoreWriteException.class);
      // Maintenance's checkpoint, when it gets that far: failing, it invalidates DuckDB's database, so the store
      // opens the file again.
      assertThatThrownBy(store::checkpoint).isInstanceOf(StoreWriteException.class)
          .hasMessageContaining("cannot checkpoint in history store");
      assertThat(store.health().up()).isFalse();
      assertThat(store.health().problem()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("No space left on device");
      assertThat(store.health().errors()).isEqualTo(5);
      assertThat(heard).singleElement().asString().startsWith("failing: cannot record a poll of " + TARGET);
      // What was stored is still read while the disk is full.
      assertThat(store.lastSnapshot(TARGET)).contains(CrashWriterMain.snapshotAt(4));
      assertThat(count(store, "SELECT count(*) FROM poll")).isEqualTo(5);

      disk.free();
      poll(store, 8);
      poll(store, 9);
      store.maintain(CrashWriterMain.BASE.plus(Duration.ofHours(1)), Retention.DEFAULT);
      assertThat(store.health().up()).isTrue();
      assertThat(store.health().problem()).isEmpty();
      assertThat(heard).hasSize(2).last().isEqualTo("recovered after 5 failed writes");

      // Polls 5..7 were not stored, and nothing of them: the interval of poll 8 covers them.
      assertThat(count(store, "SELECT count(*) FROM poll")).isEqualTo(7);
      assertThat(count(store,
          """
          SELECT count(*) FROM poll p
          WHERE p.intervals <> (SELECT count(*) FROM statement_interval i
                                WHERE i.target = p.target AND i.end_us = p.taken_at_us)"""))
          .isZero();
      assertThat(store.lastSnapshot(TARGET)).contains(CrashWriterMain.snapshotAt(9));
      List<long[]> sums = store.read("sums", c -> {
        var out = new ArrayList<long[]>();
        try (var rs = c.createStatement().executeQuery(
            "SELECT queryid, CAST(sum(calls) AS BIGINT) FROM statement_interval WHERE queryid < 100000 GROUP BY queryid")) {
          while (rs.next()) {
            out.add(new long[] {rs.getLong(1), rs.getLong(2)});
          }
        }
        return out;
      });
      assertThat(sums).isNotEmpty();
      for (long[] s : sums) {
        int i = (int) s[0];
        assertThat(s[1]).as("calls of key %d", i)
            .isEqualTo(CrashWriterMain.callsAt(i, 9) - CrashWriterMain.callsAt(i, 0));
      }
    }
  }

  /** One poll as the poller makes it: diffed against the last stored snapshot. */
  private static void poll(JdbcHistoryStore store, long seq) {
    Snapshot prev = store.lastSnapshot(TARGET).orElse(null);
    Snapshot next = CrashWriterMain.snapshotAt(seq);
    store.recordPoll(PollRecord.success(next, prev == null ? List.of() : Fixtures.diff(prev, next)));
  }

  private static long count(JdbcHistoryStore store, String sql) {
    return store.read(sql, c -> {
      try (var rs = c.createStatement().executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
