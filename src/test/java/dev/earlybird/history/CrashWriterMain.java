package dev.earlybird.history;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Child process of {@link CrashSafetyIT}: opens the store its argument names (a DuckDB file or a PostgreSQL URL),
 * continues from the store's last snapshot and records polls of a
 * deterministic workload forever, printing "committed SEQ" after each commit, until it is killed.
 */
public final class CrashWriterMain {
  static final String TARGET = "crash";
  static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
  static final int STABLE = 3_000;
  static final int CHURN = 50;

  public static void main(String[] args) {
    try (var store = open(args[0], java.time.InstantSource.system())) {
      Snapshot prev = store.lastSnapshot(TARGET).orElse(null);
      long seq = prev == null ? 0 : seqOf(prev.takenAt()) + 1;
      while (true) {
        Snapshot next = snapshotAt(seq);
        store.recordPoll(PollRecord.success(next, prev == null ? java.util.List.of() : Fixtures.diff(prev, next)));
        System.out.println("committed " + seq);
        System.out.flush();
        prev = next;
        seq++;
      }
    }
  }

  /** Opens a store by its locator: a {@code jdbc:postgresql:} URL, or a DuckDB file. */
  static JdbcHistoryStore open(String locator, java.time.InstantSource clock) {
    return locator.startsWith("jdbc:postgresql:")
        ? PostgresHistoryStore.open(locator, locator, clock)
        : DuckDbHistoryStore.open(Path.of(locator), clock);
  }

  static long seqOf(Instant takenAt) {
    return (takenAt.getEpochSecond() - BASE.getEpochSecond()) / 60;
  }

  /** Stable keys i gain a call every 20 polls (5% change per poll); churn key j exists when seq % 10 == j % 10. */
  static Snapshot snapshotAt(long seq) {
    Map<StatementKey, Counters> entries = new HashMap<>();
    for (int i = 0; i < STABLE; i++) {
      entries.put(stableKey(i), Fixtures.counters(callsAt(i, seq), i, i % 2 == 0 ? BASE : null));
    }
    for (int j = 0; j < CHURN; j++) {
      if (seq % 10 == j % 10) {
        entries.put(new StatementKey(TARGET, 2, 1, 100_000 + j, false), Fixtures.counters(1, j, null));
      }
    }
    return new Snapshot(TARGET, BASE.plusSeconds(60 * seq), Optional.empty(), OptionalLong.of(seq), entries);
  }

  static StatementKey stableKey(int i) {
    return new StatementKey(TARGET, 1 + i % 3, 10, i, true);
  }

  static long callsAt(int i, long seq) {
    return (seq + i) / 20;
  }
}
