package dev.earlybird.source;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Turns two consecutive snapshots of one target into per-statement intervals. Pure: the same snapshots give
 * the same result, so every rule below is a table-driven test.
 *
 * <p>pg_stat_statements counters are cumulative per entry, but an entry can be evicted (deallocated when
 * {@code pg_stat_statements.max} is reached) and re-created, or reset, between two reads. A naive {@code
 * next - previous} then yields negative deltas (pg_profile issue #116) or, worse, counts an entry's whole
 * history as one interval. The rules, in the order they are applied to each entry of the next snapshot:
 *
 * <ol>
 *   <li>no previous snapshot (first sight, or a restart without persisted state): no intervals at all, since
 *       we cannot tell which part of the counters happened recently;
 *   <li>a NaN, infinite or negative value: skip the entry, count it as bad (never crash, never store
 *       nonsense read from someone else's database);
 *   <li>key absent from the previous snapshot: created after that read, so all of its counters belong to
 *       this interval;
 *   <li>key present in both but the entry was re-created in between (any counter went down, {@code
 *       stats_since} changed on 17+, or {@code stats_reset} changed and {@code stats_since} cannot tell
 *       otherwise): all of its counters are since re-creation, which lies within the interval;
 *   <li>calls, plans and their times unchanged: idle, nothing to write;
 *   <li>otherwise the field-wise difference.
 * </ol>
 *
 * <p>pg_stat_kcache's CPU time is not a pg_stat_statements counter: it has rules of its own ({@link CpuDiff}), and
 * an unknown or reset CPU figure makes the interval's CPU unknown, never the interval itself.
 *
 * <p>Every entry is looked up once in the previous snapshot's hash map: O(n) per poll with no allocation
 * but the emitted intervals, since it runs every poll on ~10,000 entries per target.
 */
public final class StatementDiff {
  private StatementDiff() {}

  /**
   * @param previous the snapshot of the previous poll of the same target, or null if there is none
   * @param next the snapshot just read
   * @throws IllegalArgumentException if the snapshots are of different targets or {@code next} was taken
   *     before {@code previous}
   */
  public static DiffResult between(Snapshot previous, Snapshot next) {
    Objects.requireNonNull(next, "next");
    Map<StatementKey, Counters> nextEntries = next.entries();
    if (previous == null) {
      return firstSight(nextEntries);
    }
    if (!previous.target().equals(next.target())) {
      throw new IllegalArgumentException(
          "snapshots of different targets: " + previous.target() + " and " + next.target());
    }
    Instant start = previous.takenAt();
    Instant end = next.takenAt();
    if (end.isBefore(start)) {
      throw new IllegalArgumentException(
          "next snapshot of " + next.target() + " taken at " + end + ", before the previous one at " + start);
    }

    // A full pg_stat_statements_reset() removes every entry and sets stats_reset (14+): whatever is in the
    // next snapshot was created after the reset, i.e. within this interval.
    boolean statsResetChanged =
        previous.statsReset().isPresent()
            && next.statsReset().isPresent()
            && !previous.statsReset().get().equals(next.statsReset().get());
    boolean reset = statsResetChanged;

    // The info view's dealloc is zeroed together with stats_reset; a drop without a changed stats_reset
    // still means the info was reset, so count from zero.
    long deallocated = 0;
    if (previous.dealloc().isPresent() && next.dealloc().isPresent()) {
      long before = previous.dealloc().getAsLong();
      long after = next.dealloc().getAsLong();
      if (before >= 0 && after >= 0) {
        if (statsResetChanged) {
          deallocated = after;
        } else if (after >= before) {
          deallocated = after - before;
        } else {
          deallocated = after;
          reset = true;
        }
      }
    }

    Map<StatementKey, Counters> previousEntries = previous.entries();
    List<StatementInterval> intervals = new ArrayList<>();
    Set<StatementKey> newKeys = new HashSet<>();
    int newEntries = 0;
    int recreated = 0;
    int bad = 0;
    int common = 0; // keys found in both snapshots, whatever their values
    int comparable = 0; // of those, sane on both sides: the base of the majority-reset test
    int recreatedComparable = 0;

    for (Map.Entry<StatementKey, Counters> entry : nextEntries.entrySet()) {
      StatementKey key = entry.getKey();
      Counters now = entry.getValue();
      Counters before = previousEntries.get(key);
      if (before != null) {
        common++;
      } else {
        // Texts are fetched per key, so a key is new whatever its values.
        newKeys.add(key);
      }
      if (!now.isSane()) {
        bad++;
        continue;
      }
      if (before == null) {
        newEntries++;
        if (!isEmpty(now)) {
          intervals.add(whole(key, start, end, now, CpuDiff.whole(now)));
        }
        continue;
      }
      boolean wasRecreated;
      if (!before.isSane()) {
        // Nothing sane to subtract from (it was counted as bad in the previous diff). Only when we know the
        // entry was re-created are its counters usable; otherwise treat it like first sight.
        if (!statsResetChanged && !statsSinceChanged(before, now)) {
          continue;
        }
        wasRecreated = true;
      } else {
        comparable++;
        wasRecreated = wasRecreated(before, now, statsResetChanged);
        if (wasRecreated) {
          recreatedComparable++;
        }
      }
      if (wasRecreated) {
        recreated++;
        if (!isEmpty(now)) {
          intervals.add(whole(key, start, end, now, CpuDiff.between(before, now)));
        }
      } else if (!isIdle(before, now)) {
        intervals.add(delta(key, start, end, before, now));
      }
    }

    // Servers before 14 have no pg_stat_statements_info: a reset shows only as most entries starting over.
    // Evictions re-create a few entries at a time, so "more than half" separates the two.
    if (recreatedComparable * 2 > comparable && comparable > 0) {
      reset = true;
    }
    int vanished = previousEntries.size() - common;
    return new DiffResult(intervals, reset, newEntries, vanished, recreated, deallocated, bad, newKeys);
  }

  private static DiffResult firstSight(Map<StatementKey, Counters> nextEntries) {
    int bad = 0;
    for (Counters c : nextEntries.values()) {
      if (!c.isSane()) {
        bad++;
      }
    }
    return new DiffResult(List.of(), false, 0, 0, 0, 0, bad, nextEntries.keySet());
  }

  /**
   * On 17+ {@code stats_since} is the entry's birth, so it decides alone (it also survives the race where
   * {@code stats_reset} and the entries are read on either side of a reset). Before 17 a changed {@code
   * stats_reset} means every entry was removed. Counters going down always means a new life: a negative
   * delta is never emitted.
   */
  private static boolean wasRecreated(Counters before, Counters now, boolean statsResetChanged) {
    boolean birthKnown = before.statsSince() != null && now.statsSince() != null;
    if (birthKnown ? statsSinceChanged(before, now) : statsResetChanged) {
      return true;
    }
    return now.anyBelow(before);
  }

  private static boolean statsSinceChanged(Counters before, Counters now) {
    return before.statsSince() != null
        && now.statsSince() != null
        && !before.statsSince().equals(now.statsSince());
  }

  /**
   * pg_stat_statements bumps every execution counter together with calls, and planning counters with plans,
   * so unchanged calls, plans and times mean the statement did not run: steady state writes nothing for the
   * thousands of idle statements.
   */
  private static boolean isIdle(Counters b, Counters n) {
    return n.calls() == b.calls()
        && n.plans() == b.plans()
        && n.totalExecMs() == b.totalExecMs()
        && n.totalPlanMs() == b.totalPlanMs();
  }

  /**
   * Entries exist with zero counters (created at parse time to hold the normalized text, or planned but never
   * executed without track_planning): an interval of zeros would be a write for nothing.
   */
  private static boolean isEmpty(Counters c) {
    return c.calls() == 0 && c.plans() == 0 && c.totalExecMs() == 0 && c.totalPlanMs() == 0;
  }

  /**
   * An entry born within the interval: everything it ever counted happened in it (its CPU time from pg_stat_kcache,
   * which keeps separate entries, is decided by {@link CpuDiff}).
   */
  private static StatementInterval whole(
      StatementKey key, Instant start, Instant end, Counters n, OptionalDouble cpuMs) {
    return new StatementInterval(key, start, end, n.values(), cpuMs);
  }

  /** Field-wise difference; the caller has checked that no counter went down. */
  private static StatementInterval delta(
      StatementKey key, Instant start, Instant end, Counters b, Counters n) {
    return new StatementInterval(key, start, end, n.minus(b), CpuDiff.between(b, n));
  }
}
