package dev.earlybird.source.postgres;

import dev.earlybird.model.Counters;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * When an entry's counters are known without reading them: the probe's few values equal those of the entry as last
 * read, so every other counter does too. Why that is exact:
 *
 * <ul>
 *   <li>pg_stat_statements changes an entry only in {@code pgss_store}, and every store bumps {@code calls} (an
 *       execution: times, rows, blocks, WAL, JIT, all under the entry's spinlock, at the statement's end, so a
 *       statement still running moves nothing) or {@code plans} (a planning, with track_planning: plan time, but also
 *       the buffers and WAL that planning used, without calls moving). Within one life of an entry, unchanged {@code
 *       calls} and {@code plans} therefore mean unchanged counters. Mean and stddev move only with calls; min/max,
 *       which a {@code minmax_only} reset clears, are not read.
 *   <li>An entry's life ends when it is evicted or reset; the next execution creates a new entry under the same key,
 *       counting from zero, so it may reach the same calls again (an evicted entry is a rarely-run one, e.g. calls 1).
 *       From 17 on {@code stats_since} is the life's birth and tells lives apart; before 17, the total execution and
 *       planning times do: a new life would have to add up to bit-identical sums of measured times, which is also
 *       what the full read's diff relies on to call an entry idle ({@code StatementDiff}).
 *   <li>pg_stat_kcache keeps entries of its own, reset and evicted independently ({@code pg_stat_kcache_reset()}
 *       moves nothing in pg_stat_statements), so its CPU time is compared too whenever the counter query joins it.
 * </ul>
 *
 * A value that is not equal to itself (NaN) counts as changed, so such an entry is always read whole.
 *
 * <p>Two facts of the header, read in the same round trip as the probe, make a read take every entry whole whatever the
 * probe shows ({@link #readEveryEntry}): a full reset, and before 17 an eviction.
 */
final class ChangeRule {
  private ChangeRule() {}

  /**
   * @param since the entry's {@code stats_since} (17+), or null before 17
   * @param execMs total_exec_time; only compared when {@code since} is null
   * @param planMs total_plan_time; only compared when {@code since} is null
   * @param cpuMs pg_stat_kcache's CPU time, when the counter query joins it; null when it does not
   */
  static boolean unchanged(
      Counters before, long calls, long plans, Instant since, double execMs, double planMs, OptionalDouble cpuMs) {
    if (before.calls() != calls || before.plans() != plans) {
      return false;
    }
    if (since != null ? !since.equals(before.statsSince())
        : before.statsSince() != null || before.totalExecMs() != execMs || before.totalPlanMs() != planMs) {
      return false;
    }
    return cpuMs == null || sameCpu(before.cpuMs(), cpuMs);
  }

  /** The same rule between two full reads: whether {@code now} would have been carried over from {@code before}. */
  static boolean unchanged(Counters before, Counters now) {
    return unchanged(before, now.calls(), now.plans(), now.statsSince(), now.totalExecMs(), now.totalPlanMs(),
        now.cpuMs());
  }

  /**
   * Whether a read must take every entry whole whatever its probe shows, from the header of pg_stat_statements_info
   * (14+) read with it, against the last read's:
   *
   * <ul>
   *   <li>{@code stats_reset} moved: every entry was removed, so every entry now is a new life. The probe would see
   *       nearly all of them changed anyway; reading them whole also spares the reset from the rare entry whose new
   *       life matches the old one's probe.
   *   <li>{@code dealloc} moved (or dropped: the info was reset) and the probe cannot tell lives apart by birth
   *       (before 17, no {@code stats_since}): entries were evicted, and one evicted and run again under the same key
   *       counts from zero. Its total times tell it from the old life, unless the clock is so coarse that the sums
   *       come out equal; the full read then still sees any other counter lower ({@code StatementDiff}). From 17 on
   *       {@code stats_since} is the life's birth, so the probe catches each re-created entry alone, and a server
   *       that evicts on every poll ({@code pg_stat_statements.max} too small) keeps the probe's savings.
   * </ul>
   *
   * Before 14 there is no header to compare (both empty): only the probe's times tell lives apart.
   *
   * @param birthKnown whether the probe reads {@code stats_since} (pg_stat_statements 1.11, PostgreSQL 17, or newer)
   */
  static boolean readEveryEntry(Optional<Instant> resetBefore, OptionalLong deallocBefore, Optional<Instant> resetNow,
      OptionalLong deallocNow, boolean birthKnown) {
    if (!resetBefore.equals(resetNow)) {
      return true;
    }
    return !birthKnown && !deallocBefore.equals(deallocNow);
  }

  private static boolean sameCpu(OptionalDouble a, OptionalDouble b) {
    return a.isPresent() ? b.isPresent() && a.getAsDouble() == b.getAsDouble() : b.isEmpty();
  }
}
