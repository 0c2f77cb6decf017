package dev.earlybird.history;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Finding;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementText;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where intervals, rollups, texts and per-target state live. Writes come from ONE thread (see
 * {@link HistoryWriter}); reads may run concurrently from any thread. Failures are {@link HistoryException}.
 */
public interface HistoryStore extends AutoCloseable {

  // --- writes (single writer) ---

  /**
   * Stores one poll atomically: its intervals, the target's new last snapshot (on success), a poll row and
   * the target's up/lastPollAt/statements/lastError. All or nothing.
   */
  void recordPoll(PollRecord poll);

  /** Inserts or replaces a target's row (server version and status fields). */
  void upsertTarget(TargetRecord target);

  /** Inserts new and renames changed databases of a target; databases not listed are kept (history). */
  void upsertDatabases(String target, List<DatabaseInfo> databases);

  /** Stores texts not stored yet; the first text stored for a (target, dbId, queryId) is kept. */
  void saveTexts(List<StatementText> texts);

  /** Rolls completed hours/days up (incrementally, idempotently) and applies retention. */
  void maintain(Instant now, Retention retention);

  /** Records when a target's server started (read at each connect). */
  void recordServerStart(String target, Instant startedAt);

  /**
   * Stores the outcome of evaluating one analysis window atomically: changed findings (upserted by id),
   * dropped pending ones, and the window's end as the analysis watermark.
   */
  default void recordEvaluation(Instant windowEnd, List<Finding> changed, List<String> deletedIds) {
    recordEvaluation(windowEnd, changed, deletedIds, AlertWrites.NONE);
  }

  /** As above, with the alerts and notifications the changes raised, in the same transaction. */
  void recordEvaluation(Instant windowEnd, List<Finding> changed, List<String> deletedIds, AlertWrites alerts);

  /**
   * Pins a baseline: copies the per-statement sums of {@code (from, to]} (of one target, or all) under
   * {@code name}. Refused with a {@link BaselineException} when the name is invalid or taken, the window is
   * not over yet, or nothing was recorded in it.
   */
  PinnedBaseline pinBaseline(String name, Optional<String> target, Instant from, Instant to);

  /** Deletes a pinned baseline and its statements; {@link BaselineException} NOT_FOUND when there is none. */
  void deleteBaseline(String name);

  /**
   * Stores CloudWatch datapoints atomically; those already stored (same target, scope, metric and period
   * start) are skipped, so reading a window twice never duplicates one. Kept as long as hourly rollups.
   */
  void recordCloudWatch(List<CloudWatchSample> samples);

  // --- reads ---

  /** End of the last evaluated analysis window, if any. */
  OptionalLong analysisWatermark();

  /** Pending and active findings (the analysis' working set). */
  List<Finding> openFindings();

  /** Active and resolved findings for readers, with their statement texts. */
  List<FindingRow> findings(FindingFilter filter);

  /** Active findings per target and severity (targets without any are absent). */
  Map<String, Map<Severity, Long>> activeFindingCounts();

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

  Optional<Snapshot> lastSnapshot(String target);

  Set<TextKey> knownTextKeys(String target);

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

  /** Pinned baselines, newest first. */
  List<PinnedBaseline> baselines();

  Optional<PinnedBaseline> baseline(String name);

  /** A pinned baseline's sums per (target, database, queryId), with database names and texts; empty if none. */
  List<HotQueryRow> baselineStatements(String name);

  /** Points whose end lies in (from, to] (rollup buckets overlapping it), ordered by end. */
  List<SeriesPoint> querySeries(String target, long dbId, long queryId, Instant from, Instant to);

  /**
   * Stores one Performance Insights window with its digests joined to statements; false (nothing written) when
   * that window of that target is already stored, so a window is never counted twice.
   */
  boolean recordPiWindow(dev.earlybird.model.PiWindow window, List<dev.earlybird.model.PiShare> shares, Instant readAt);

  /** Where the target's stored PI windows end; reading resumes there. */
  Optional<Instant> lastPiWindowEnd(String target);

  /** The entries PI digests of a window can join to; see {@code PiTables.joinCandidates}. */
  List<StatementActivity> piJoinCandidates(String target, Period window, java.util.Collection<Long> queryIds,
      boolean withTexts);

  /** PI's CPU time per statement over a window, only where it is known for the whole window. */
  Map<StatementRef, Double> piCpu(Period window, java.util.Collection<StatementRef> statements);

  /** One statement's PI load by wait event type over a window; empty when PI has nothing for it. */
  Optional<PiStatementWaits> piWaits(StatementRef statement, Period window);

  /** PI digests that joined to no pg_stat_statements entry, over a window. */
  List<PiOnlyRow> piOnly(Period window, Optional<String> target);

  /** A target's PI load per database ({@code db.name}) over a window, heaviest first. */
  List<dev.earlybird.model.PiWindow.PiDatabaseLoad> piDatabases(String target, Period window);

  /** A target's PI load timeline by wait event type. */
  List<dev.earlybird.model.PiWindow.PiPoint> piTimeline(String target, Period window);

  /** CloudWatch datapoints of one target and metric whose period starts in {@code [from, to)}, oldest first. */
  List<CloudWatchSample> cloudWatchSeries(
      String target, CloudWatchScope scope, CloudWatchMetric metric, Instant from, Instant to);

  /** Per target, when the newest stored CloudWatch datapoint in {@code scope} starts: where reading resumes. */
  Map<String, Instant> lastCloudWatchSamples(CloudWatchScope scope);

  StoreStats stats();

  /** Bytes the store takes on disk; cheap (no query), for a metric updated every poll. */
  long fileSizeBytes();

  /** Whether the store writes (a full disk makes it fail until space returns); for readiness, metrics and logs. */
  StoreHealth health();

  @Override
  void close();
}
