package dev.earlybird.history;

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
    return new Counters(
        calls, calls * mean, mean, 0.5 + seed % 3, calls * 2 + 1, calls * 3 + 2, calls + 3, seed + 4, seed + 5,
        seed + 6, seed + 7, seed + 8, calls + 9, calls * 0.125 + 0.1, calls * 0.0625 + 0.2, 0.3 + seed, 0.4 + seed,
        calls + 10, calls * 0.01 + 0.5, calls + 11, seed + 12, calls * 100 + 13, 0.75 + seed, statsSince,
        seed % 2 == 1 ? OptionalDouble.of(calls * 0.5 + 0.875) : OptionalDouble.empty());
  }

  /** An interval with a pg_stat_kcache CPU time of half its execution time. */
  static StatementInterval interval(StatementKey k, Instant start, Instant end, long calls, double execMs) {
    return interval(k, start, end, calls, execMs, OptionalDouble.of(execMs / 2));
  }

  static StatementInterval interval(
      StatementKey k, Instant start, Instant end, long calls, double execMs, OptionalDouble cpuMs) {
    return new StatementInterval(
        k, start, end, calls, execMs, execMs * execMs / Math.max(1, calls), calls * 2, calls * 10, calls, 1, 2, 3, 4,
        5, 6, 0.25 * calls, 0.125 * calls, 0.0625 * calls, calls, 0.5 * calls, 7, 8, 9, 0.01 * calls, cpuMs);
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
