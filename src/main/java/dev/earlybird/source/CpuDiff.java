package dev.earlybird.source;

import dev.earlybird.model.Counters;
import java.util.OptionalDouble;

/**
 * The CPU time of one interval from pg_stat_kcache's cumulative counter ({@link Counters#cpuMs()}). pg_stat_kcache
 * keeps its own entries, reset ({@code pg_stat_kcache_reset()}) and evicted independently of pg_stat_statements',
 * so its counter is differenced on its own, by these rules:
 *
 * <ol>
 *   <li>unknown (or not a finite non-negative number) at either end that matters: unknown, never 0;
 *   <li>known at both ends for a statement seen before: the difference, whether or not pg_stat_statements' entry
 *       was re-created in between (a {@code pg_stat_statements_reset()} leaves kcache's counter running);
 *   <li>lower than before: kcache's entry was reset or re-created in the interval, and how much of its counter
 *       came after the previous read cannot be told, so the CPU time of this interval is unknown (the interval
 *       itself is kept: its other counters are fine);
 *   <li>a statement new to pg_stat_statements: its kcache entry is normally new too, and then all of its CPU time
 *       belongs to this interval. But kcache may still hold an older entry for the same key (pg_stat_statements
 *       evicted or reset its entry, kcache kept its own), carrying CPU time the new entry never timed. One backend
 *       cannot spend more CPU than the wall-clock time it executed, so a figure above execution plus planning time
 *       (with slack: kcache times from executor start to end, a little more than pg_stat_statements) is unknown.
 *       This costs the first interval of a parallel query its figure when kcache counts its workers' CPU too.
 * </ol>
 */
final class CpuDiff {
  /** kcache's CPU time may exceed pg_stat_statements' execution time of the same calls by this factor... */
  static final double NEW_ENTRY_FACTOR = 1.25;
  /** ... plus this, for executor start-up and shutdown around very short statements. */
  static final double NEW_ENTRY_SLACK_MS = 1.0;

  private CpuDiff() {}

  /** CPU time between two reads of an entry seen in both (rules 1 to 3). */
  static OptionalDouble between(Counters before, Counters now) {
    if (!known(before) || !known(now)) {
      return OptionalDouble.empty();
    }
    double delta = now.cpuMs().getAsDouble() - before.cpuMs().getAsDouble();
    return delta >= 0 ? OptionalDouble.of(delta) : OptionalDouble.empty();
  }

  /** CPU time of an entry created within the interval: all of it, if plausible (rules 1 and 4). */
  static OptionalDouble whole(Counters now) {
    if (!known(now)) {
      return OptionalDouble.empty();
    }
    double cpu = now.cpuMs().getAsDouble();
    double limit = NEW_ENTRY_FACTOR * (now.totalExecMs() + now.totalPlanMs()) + NEW_ENTRY_SLACK_MS;
    return cpu <= limit ? now.cpuMs() : OptionalDouble.empty();
  }

  private static boolean known(Counters c) {
    if (c.cpuMs().isEmpty()) {
      return false;
    }
    double v = c.cpuMs().getAsDouble();
    return v >= 0 && v < Double.POSITIVE_INFINITY;
  }
}
