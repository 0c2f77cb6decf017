package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.Retention;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPU attribution of stored history against a real DuckDB file: what was true when an interval was polled decides,
 * never the target's state or setting at read time.
 */
class CpuHistoryTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Duration STEP = Duration.ofMinutes(10);

  @TempDir Path dir;

  /**
   * One 10-minute poll of one statement: 10 calls, 100 ms of execution, of which 40 ms reading blocks when the server
   * had track_io_timing on (with it off, PostgreSQL records no IO time).
   */
  private static void poll(JdbcHistoryStore store, Instant end, boolean timed) {
    StatementInterval i = new StatementInterval(new StatementKey("pg1", 1, 10, 7, true), end.minus(STEP), end,
            CounterValues.ZERO.with(Counter.CALLS, 10)
            .with(Counter.EXEC_MS, 100)
            .with(Counter.EXEC_SUMSQ_MS, 1000)
            .with(Counter.ROWS, 10)
            .with(Counter.IO_READ_MS, timed ? 40 : 0), OptionalDouble.empty());
    Snapshot snap = new Snapshot("pg1", end, Optional.empty(), OptionalLong.empty(), Map.of());
    store.recordPoll(PollRecord.success(snap, List.of(i), timed));
  }

  /** Six polls ending in the hour from {@code hour}, the first {@code timed} of them with IO timed. */
  private static void hour(JdbcHistoryStore store, Instant hour, int timed) {
    for (int p = 1; p <= 6; p++) {
      poll(store, hour.plus(STEP.multipliedBy(p)), p <= timed);
    }
  }

  private static HotQuery hot(HistoryStore store, Instant from, Instant to) {
    return new HotList(store, TenantsConfig.DEFAULT, BaselineConfig.defaults())
        .rank(new HotList.Request(from, to, null, null, null, 10)).getFirst();
  }

  @Test
  void aWindowKeepsItsCpuSourceWhenTheTargetGoesDownAndTheAgentRestartsWithTimingOff() {
    Path file = dir.resolve("h.duckdb");
    Instant hour1 = T0.plus(Duration.ofHours(1));
    try (var store = DuckDbHistoryStore.open(file, () -> hour1)) {
      store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 1, "shop")));
      hour(store, T0, 6);
      HotQuery up = hot(store, T0, hour1);
      assertThat(up.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
      assertThat(up.cpuMs()).isEqualTo(6 * 60.0);
      store.recordPoll(PollRecord.failure("pg1", hour1.plusSeconds(60), "connect: connection refused"));
    }
    // Read by the command line while no agent runs: nothing says how the target is set now.
    try (var store = DuckDbHistoryStore.openReadOnly(file)) {
      HotQuery down = hot(store, T0, hour1);
      assertThat(down.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
      assertThat(down.cpuMs()).isEqualTo(6 * 60.0);
    }
    // Back up after a restart with track_io_timing off: the new hour is execution time, the old one unchanged.
    Instant hour2 = hour1.plus(Duration.ofHours(1));
    try (var store = DuckDbHistoryStore.open(file, () -> hour2)) {
      hour(store, hour1, 0);
      assertThat(hot(store, hour1, hour2)).satisfies(q -> {
        assertThat(q.cpuSource()).isEqualTo(CpuSource.EXEC_TIME);
        assertThat(q.cpuMs()).isEqualTo(6 * 100.0);
      });
      assertThat(hot(store, T0, hour1)).satisfies(q -> {
        assertThat(q.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
        assertThat(q.cpuMs()).isEqualTo(6 * 60.0);
      });
    }
  }

  @Test
  void aRolledUpHourThatMixesBothIsExecutionTimeAndSaysSo() {
    Instant hour1 = T0.plus(Duration.ofHours(1)), hour2 = T0.plus(Duration.ofHours(2));
    Instant now = T0.plus(Duration.ofHours(5));
    try (var store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> now)) {
      store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 1, "shop")));
      hour(store, T0, 3); // track_io_timing turned off half way through the hour
      hour(store, hour1, 6);
      // Rolls both hours up and drops their raw intervals: only the hourly rows are left to read.
      store.maintain(now, new Retention(Duration.ofHours(1), Duration.ofDays(35), Duration.ofDays(400)));
      assertThat(store.stats().intervalRows()).isZero();

      HotQuery mixed = hot(store, T0, hour1);
      assertThat(mixed.cpuSource()).isEqualTo(CpuSource.EXEC_TIME);
      assertThat(mixed.cpuMs()).as("execution time of all of it, no IO subtracted").isEqualTo(6 * 100.0);
      HotQuery timed = hot(store, hour1, hour2);
      assertThat(timed.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
      assertThat(timed.cpuMs()).isEqualTo(6 * 60.0);
      HotQuery both = hot(store, T0, hour2);
      assertThat(both.cpuSource()).isEqualTo(CpuSource.EXEC_TIME);
      assertThat(both.cpuMs()).isEqualTo(12 * 100.0);
    }
  }
}
