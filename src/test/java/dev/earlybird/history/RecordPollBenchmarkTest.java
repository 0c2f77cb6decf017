package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.counters;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steady-state cost of storing a poll of a 10,000-entry target where ~100 entries changed, against a
 * poll where all entries changed (full rewrite). Prints the medians; asserts a generous bound only, since
 * the build machine is shared.
 */
class RecordPollBenchmarkTest {
  static final int ENTRIES = 10_000;
  static final int ROUNDS = 15;

  @TempDir Path dir;

  @Test
  void steadyStatePollIsCheap() {
    Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
    try (var store = DuckDbHistoryStore.open(dir.resolve("bench.duckdb"), () -> t0)) {
      Map<StatementKey, Counters> entries = new HashMap<>();
      for (int i = 0; i < ENTRIES; i++) {
        entries.put(key("t", i % 50, 10, i, true), counters(i, i, null));
      }
      Snapshot prev = snapshot("t", t0, entries);
      store.recordPoll(PollRecord.success(prev, java.util.List.of()));
      long[] steady = new long[ROUNDS];
      long[] rewrite = new long[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        Map<StatementKey, Counters> next = new HashMap<>(prev.entries());
        for (int j = 0; j < 100; j++) {
          int i = (r * 100 + j * 97) % ENTRIES;
          StatementKey k = key("t", i % 50, 10, i, true);
          next.put(k, counters(prev.entries().get(k).calls() + 3, i, null));
        }
        Snapshot s = snapshot("t", prev.takenAt().plusSeconds(60), next);
        var poll = PollRecord.success(s, Fixtures.diff(prev, s));
        long started = System.nanoTime();
        store.recordPoll(poll);
        steady[r] = System.nanoTime() - started;
        prev = s;
      }
      for (int r = 0; r < ROUNDS; r++) {
        Map<StatementKey, Counters> next = new HashMap<>();
        for (var e : prev.entries().entrySet()) {
          next.put(e.getKey(), counters(e.getValue().calls() + 1, e.getKey().queryId(), null));
        }
        Snapshot s = snapshot("t", prev.takenAt().plusSeconds(60), next);
        var poll = PollRecord.success(s, Fixtures.diff(prev, s));
        long started = System.nanoTime();
        store.recordPoll(poll);
        rewrite[r] = System.nanoTime() - started;
        prev = s;
      }
      assertThat(store.lastSnapshot("t")).contains(prev);
      double steadyMs = median(steady), rewriteMs = median(rewrite);
      System.out.printf(
          "recordPoll, %d entries: 100 changed (100 intervals) median %.1f ms; all changed (%d intervals) median %.1f ms%n",
          ENTRIES, steadyMs, ENTRIES, rewriteMs);
      assertThat(steadyMs).isLessThan(250);
    }
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }
}
