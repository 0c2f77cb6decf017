package dev.earlybird.history;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Builders for counters, snapshots and intervals with every field set to a distinct value. */
final class Fixtures {
  private Fixtures() {}

  static StatementKey key(String target, long dbId, long userId, long queryId, boolean toplevel) {
    return new StatementKey(target, dbId, userId, queryId, toplevel);
  }

  /**
   * Counters whose every field differs and depends on {@code calls} and {@code seed}; a pg_stat_kcache CPU time for
   * odd seeds, none (unknown) for even ones.
   */
  static Counters counters(long calls, long seed, Instant statsSince) {
    double mean = 1.25 + seed % 7;
    return new Counters(CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, calls * mean)
            .with(Counter.ROWS, calls * 2 + 1)
            .with(Counter.SHARED_BLKS_HIT, calls * 3 + 2)
            .with(Counter.SHARED_BLKS_READ, calls + 3)
            .with(Counter.SHARED_BLKS_DIRTIED, seed + 4)
            .with(Counter.SHARED_BLKS_WRITTEN, seed + 5)
            .with(Counter.LOCAL_BLKS_HIT, seed + 6)
            .with(Counter.LOCAL_BLKS_READ, seed + 7)
            .with(Counter.TEMP_BLKS_READ, seed + 8)
            .with(Counter.TEMP_BLKS_WRITTEN, calls + 9)
            .with(Counter.IO_READ_MS, calls * 0.125 + 0.1)
            .with(Counter.IO_WRITE_MS, calls * 0.0625 + 0.2)
            .with(Counter.PLANS, calls + 10)
            .with(Counter.PLAN_MS, calls * 0.01 + 0.5)
            .with(Counter.WAL_RECORDS, calls + 11)
            .with(Counter.WAL_FPI, seed + 12)
            .with(Counter.WAL_BYTES, calls * 100 + 13)
            .with(Counter.JIT_MS, 0.75 + seed),
        mean, 0.5 + seed % 3, 0.3 + seed, 0.4 + seed, statsSince,
        seed % 2 == 1 ? OptionalDouble.of(calls * 0.5 + 0.875) : OptionalDouble.empty());
  }

  /** An interval with a pg_stat_kcache CPU time of half its execution time. */
  static StatementInterval interval(StatementKey k, Instant start, Instant end, long calls, double execMs) {
    return interval(k, start, end, calls, execMs, OptionalDouble.of(execMs / 2));
  }

  static StatementInterval interval(
      StatementKey k, Instant start, Instant end, long calls, double execMs, OptionalDouble cpuMs) {
    return new StatementInterval(k, start, end, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.EXEC_SUMSQ_MS, execMs * execMs / Math.max(1, calls))
            .with(Counter.ROWS, calls * 2)
            .with(Counter.SHARED_BLKS_HIT, calls * 10)
            .with(Counter.SHARED_BLKS_READ, calls)
            .with(Counter.SHARED_BLKS_DIRTIED, 1)
            .with(Counter.SHARED_BLKS_WRITTEN, 2)
            .with(Counter.LOCAL_BLKS_HIT, 3)
            .with(Counter.LOCAL_BLKS_READ, 4)
            .with(Counter.TEMP_BLKS_READ, 5)
            .with(Counter.TEMP_BLKS_WRITTEN, 6)
            .with(Counter.IO_READ_MS, 0.25 * calls)
            .with(Counter.IO_WRITE_MS, 0.125 * calls)
            .with(Counter.TEMP_IO_MS, 0.0625 * calls)
            .with(Counter.PLANS, calls)
            .with(Counter.PLAN_MS, 0.5 * calls)
            .with(Counter.WAL_RECORDS, 7)
            .with(Counter.WAL_FPI, 8)
            .with(Counter.WAL_BYTES, 9)
            .with(Counter.JIT_MS, 0.01 * calls), cpuMs);
  }

  static Snapshot snapshot(String target, Instant at, Map<StatementKey, Counters> entries) {
    return new Snapshot(target, at, Optional.empty(), OptionalLong.empty(), entries);
  }

  /** Intervals for the entries of {@code next} that are new or whose calls changed. */
  static List<StatementInterval> diff(Snapshot prev, Snapshot next) {
    List<StatementInterval> out = new ArrayList<>();
    for (var e : next.entries().entrySet()) {
      Counters before = prev == null ? null : prev.entries().get(e.getKey());
      if (prev != null && before == null) {
        out.add(interval(e.getKey(), prev.takenAt(), next.takenAt(), e.getValue().calls(), e.getValue().totalExecMs()));
      } else if (before != null && before.calls() != e.getValue().calls()) {
        long calls = e.getValue().calls() - before.calls();
        double exec = e.getValue().totalExecMs() - before.totalExecMs();
        out.add(interval(e.getKey(), prev.takenAt(), next.takenAt(), calls, Math.max(0, exec)));
      }
    }
    return out;
  }
}
