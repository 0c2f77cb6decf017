package dev.earlybird.history;

import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Period;
import dev.earlybird.model.StatementText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The history of statements as the hot list, the analysis, the fleet pages and the API read it: windows summed
 * per statement (from whichever rollup tier holds each part), baselines, series, per-target facts.
 */
public interface StatementReads {
  /** Per target, its statements' CPU and calls over {@code (from, to]} (targets without data are absent). */
  Map<String, TargetCpu> targetCpu(Instant from, Instant to);

  /** Targets with at least one successful poll whose snapshot was taken in the period. */
  Set<String> polledTargets(Period period);

  /** When each target was first polled successfully. */
  Map<String, Instant> firstPolls();

  /** When each target was last polled successfully: its last snapshot's time. */
  Map<String, Instant> lastGoodPolls();

  /** When each target's server last started, as last seen. */
  Map<String, Instant> serverStarts();

  /**
   * The statements of a window with their baseline sums over the given periods, filtered to candidates.
   *
   * @param scope target -> database oids whose baseline is read (their zone's periods) and whose rows come
   *     back; empty = all. Ranks, totals and window sums always cover every statement of the window.
   */
  List<StatementComparison> compare(
      Period window, List<Period> baseline, Map<String, Set<Long>> scope, CandidateFilter filter);

  /** Statements far slower per call than their family's median across the fleet, in a window. */
  List<OutlierRow> outliers(Period window, OutlierFilter filter);

  /** The fleet view of statement families: the same SQL across databases. */
  FamilyReads families();

  /** Sums over the periods for the given statements; statements that did not run are absent. */
  Map<StatementRef, Usage> usage(List<Period> periods, List<StatementRef> statements);

  /**
   * Calls and execution time over each read's periods for its statements, all reads in one statement that reads each
   * distinct period once (the hot list's baselines: one set of periods per tenant zone, mostly the same ones).
   *
   * @return per read, in order: its statements that ran, with their sums (as {@link #usage} sums them)
   */
  List<Map<StatementRef, CallTime>> callTimes(List<CallTime.Read> reads);

  /** One target's statements summed per period at hourly resolution, with the hours each period has data for. */
  PeriodSums periodSums(String target, List<Period> periods);

  Optional<StatementText> text(String target, long dbId, long queryId);

  List<TargetRecord> targets();

  List<DatabaseInfo> databases(String target);

  /** Per (target, database, queryId), ordered by execMs descending. */
  List<HotQueryRow> hotQueries(HotQueryFilter filter);

  /**
   * The hot list's top, ranked in the store instead of reading every statement of the window: at most the filter's
   * limit (all when it has none) of the statements with the most CPU ({@link CpuRank}, with PI's figure where the
   * filter asks for it), ties by target and rank, only those in databases whose name passes {@code databases} (a
   * database whose name is unknown never passes); with each target's CPU total over its statements that pass the
   * filter's own database, before {@code databases} and the limit. Each row's usage holds what the hot list shows
   * and ranks by (calls, rows, execution and IO time, the CPU columns); its other counters read 0.
   */
  HotRanking hotRanking(HotQueryFilter filter, Optional<java.util.function.Predicate<String>> databases);

  /** Points whose end lies in (from, to] (rollup buckets overlapping it), ordered by end. */
  List<SeriesPoint> querySeries(String target, long dbId, long queryId, Instant from, Instant to);
}
