package dev.earlybird.analysis;

import dev.earlybird.history.StatementComparison;
import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Advice from a statement's own counters in a window, for the statements the analysis looks at (the top by CPU and
 * the regression candidates): what a DBA would change, with the numbers behind it. Pure. Each rule needs impact (at
 * least {@code minPerHour} of the time it is about, per hour) so that a cheap statement gets no advice; advice is
 * {@code info}: it goes into findings, the statement's page and the morning review, not to a pager.
 *
 * <ul>
 *   <li>{@code temp_spill}: sorts and hashes that spill to temp files, at least 1 MB per call; the work_mem that
 *       would keep them in memory, set narrowly.
 *   <li>{@code planning_time}: planning takes longer than executing, and at least a millisecond per plan (needs
 *       {@code pg_stat_statements.track_planning}).
 *   <li>{@code jit}: JIT compilation is half of the execution time or more.
 *   <li>{@code low_hit_ratio}: under 90% of the blocks read come from shared buffers and, where IO is timed, waiting
 *       for reads is half of the time or more: IO-bound, not CPU-bound.
 *   <li>{@code n_plus_one}: very many calls of about one row each at well under a millisecond: a loop in the
 *       application that one query could replace.
 * </ul>
 */
final class AdviceRules {
  static final double BLOCK_BYTES = 8192;
  static final double MB = 1024 * 1024;
  /** Temp written per call before spilling is worth a word: smaller spills cost little. */
  static final double MIN_SPILL_MB_PER_CALL = 1;
  static final double MIN_N_PLUS_ONE_CALLS_PER_MINUTE = 600;
  static final double MAX_N_PLUS_ONE_ROWS_PER_CALL = 1.5;
  static final double MAX_N_PLUS_ONE_MEAN_MS = 1;
  static final double MAX_HIT_RATIO = 0.9;
  static final long MIN_READ_BLOCKS = 1000;
  /** Planning cheaper than this is the normal cost of an unprepared OLTP statement, not worth advice. */
  static final double MIN_PLAN_MS = 1;

  private final Duration minPerHour;

  AdviceRules(Duration minPerHour) {
    this.minPerHour = minPerHour;
  }

  List<Observation> observe(Period window, List<Detector.Compared> rows, Detector.Names names) {
    double hours = window.length().toNanos() / 3.6e12;
    List<Observation> out = new ArrayList<>();
    for (Detector.Compared c : rows) {
      StatementComparison r = c.row();
      Usage u = r.window();
      if (u.calls() <= 0) {
        continue;
      }
      Subject subject = new Subject.Statement(r.target(), r.dbId(), names.database(r.target(), r.dbId()),
          names.tenant(r.target(), r.dbId()), r.queryId(), r.family());
      tempSpill(u, hours).ifPresent(a -> out.add(observation(r, subject, a)));
      planningTime(u, hours).ifPresent(a -> out.add(observation(r, subject, a)));
      jit(u, hours).ifPresent(a -> out.add(observation(r, subject, a)));
      lowHitRatio(u, hours).ifPresent(a -> out.add(observation(r, subject, a)));
      nPlusOne(u, window.length()).ifPresent(a -> out.add(observation(r, subject, a)));
    }
    return out;
  }

  private static Observation observation(StatementComparison r, Subject subject, Evidence.Advice a) {
    return new Observation(Fingerprints.advice(a.rule(), r.target(), r.dbId(), r.queryId()), Severity.INFO, subject,
        summary(a), a);
  }

  /** The advice's first sentence: what was seen. */
  static String summary(Evidence.Advice a) {
    int end = a.advice().indexOf(": ");
    return end > 0 ? a.advice().substring(0, end) : a.advice();
  }

  private boolean matters(double msPerHour) {
    return msPerHour >= minPerHour.toMillis();
  }

  java.util.Optional<Evidence.Advice> tempSpill(Usage u, double hours) {
    double mbPerCall = u.sums().tempBlksWritten() * BLOCK_BYTES / MB / u.calls();
    if (mbPerCall < MIN_SPILL_MB_PER_CALL || !matters(u.execMs() / hours)) {
      return java.util.Optional.empty();
    }
    long workMemMb = workMemFor(mbPerCall);
    return java.util.Optional.of(new Evidence.Advice("temp_spill", String.format(Locale.ROOT,
        "spills %.1f MB to temp files per call (%,d calls): a work_mem of %d MB would keep its sorts and hashes in "
            + "memory. Set it for this statement only, with SET LOCAL work_mem = '%dMB' in its transaction, or for "
            + "the role that runs it (ALTER ROLE ... SET work_mem = '%dMB'); not server-wide, where every sort of "
            + "every session may take that much", mbPerCall, u.calls(), workMemMb, workMemMb, workMemMb),
        null, numbers("tempMbPerCall", round(mbPerCall), "calls", u.calls(), "suggestedWorkMemMb", workMemMb,
            "execMsPerHour", round(u.execMs() / hours))));
  }

  /** A sort needs somewhat more memory than it writes to disk: twice the spill, to the next power of two. */
  static long workMemFor(double mbPerCall) {
    long mb = 4;
    while (mb < 2 * mbPerCall) {
      mb *= 2;
    }
    return mb;
  }

  java.util.Optional<Evidence.Advice> planningTime(Usage u, double hours) {
    if (u.sums().plans() <= 0 || u.sums().planMs() <= u.execMs() || !matters(u.sums().planMs() / hours)) {
      return java.util.Optional.empty();
    }
    double planPer = u.sums().planMs() / u.sums().plans();
    if (planPer < MIN_PLAN_MS) {
      return java.util.Optional.empty();
    }
    double execPer = u.execMs() / u.calls();
    return java.util.Optional.of(new Evidence.Advice("planning_time", String.format(Locale.ROOT,
        "planning takes %.2f ms per plan against %.2f ms of execution per call: prepare it once and reuse the plan "
            + "(a server-side prepared statement; pgJDBC does so after prepareThreshold executions of one "
            + "PreparedStatement), or, where a generic plan serves every parameter, plan_cache_mode = "
            + "force_generic_plan for the role", planPer, execPer),
        null, numbers("planMsPerPlan", round(planPer), "execMsPerCall", round(execPer), "plans", u.sums().plans(),
            "planMsPerHour", round(u.sums().planMs() / hours))));
  }

  java.util.Optional<Evidence.Advice> jit(Usage u, double hours) {
    if (u.sums().jitMs() < 0.5 * u.execMs() || u.sums().jitMs() <= 0 || !matters(u.sums().jitMs() / hours)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Evidence.Advice("jit", String.format(Locale.ROOT,
        "JIT compilation takes %.0f%% of its execution time (%.2f of %.2f ms per call): JIT does not pay off for "
            + "it; raise jit_above_cost for the role that runs it, or SET LOCAL jit = off in its transaction",
        100 * u.sums().jitMs() / u.execMs(), u.sums().jitMs() / u.calls(), u.execMs() / u.calls()),
        null, numbers("jitMsPerCall", round(u.sums().jitMs() / u.calls()), "execMsPerCall", round(u.execMs() / u.calls()),
            "jitSharePct", round(100 * u.sums().jitMs() / u.execMs()))));
  }

  java.util.Optional<Evidence.Advice> lowHitRatio(Usage u, double hours) {
    long blocks = u.sums().sharedBlksHit() + u.sums().sharedBlksRead();
    if (u.sums().sharedBlksRead() < MIN_READ_BLOCKS || blocks == 0) {
      return java.util.Optional.empty();
    }
    double hit = (double) u.sums().sharedBlksHit() / blocks;
    boolean timed = u.ioTimedIntervals() > 0;
    double ioShare = timed && u.execMs() > 0 ? u.sums().ioReadMs() / u.execMs() : Double.NaN;
    if (hit >= MAX_HIT_RATIO || (timed && ioShare < 0.5) || !matters(u.execMs() / hours)) {
      return java.util.Optional.empty();
    }
    String waiting = timed ? String.format(Locale.ROOT, ", %.0f%% of its time waiting for reads", 100 * ioShare) : "";
    return java.util.Optional.of(new Evidence.Advice("low_hit_ratio", String.format(Locale.ROOT,
        "finds only %.0f%% of its blocks in shared buffers (%,d read from disk in the window%s): it is IO-bound, "
            + "not CPU-bound; an index that reads fewer blocks helps first, then more memory for the cache "
            + "(shared_buffers, or a larger instance)", 100 * hit, u.sums().sharedBlksRead(), waiting),
        null, timed
            ? numbers("hitRatioPct", round(100 * hit), "blocksRead", u.sums().sharedBlksRead(), "ioReadSharePct",
                round(100 * ioShare))
            : numbers("hitRatioPct", round(100 * hit), "blocksRead", u.sums().sharedBlksRead())));
  }

  java.util.Optional<Evidence.Advice> nPlusOne(Usage u, Duration window) {
    double minutes = window.toNanos() / 6e10;
    double perMinute = u.calls() / minutes;
    double rowsPerCall = (double) u.rows() / u.calls();
    double mean = u.execMs() / u.calls();
    double msPerHour = u.execMs() * 60 / minutes;
    if (perMinute < MIN_N_PLUS_ONE_CALLS_PER_MINUTE || rowsPerCall > MAX_N_PLUS_ONE_ROWS_PER_CALL
        || mean > MAX_N_PLUS_ONE_MEAN_MS || !matters(msPerHour)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Evidence.Advice("n_plus_one", String.format(Locale.ROOT,
        "%,.0f calls per minute of %.1f row each at %.3f ms: the pattern of a loop that fetches one row per "
            + "iteration (N+1); one query for the whole set (WHERE id = ANY($1), or a join) saves the round trips "
            + "and the per-call overhead", perMinute, rowsPerCall, mean),
        null, numbers("callsPerMinute", round(perMinute), "rowsPerCall", round(rowsPerCall), "meanMs", round(mean))));
  }

  private static Map<String, Double> numbers(Object... pairs) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
