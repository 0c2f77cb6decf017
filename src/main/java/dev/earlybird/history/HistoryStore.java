package dev.earlybird.history;

import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

  /**
   * Pins a baseline: copies the per-statement sums of {@code (from, to]} (of one target, or all) under
   * {@code name}. Refused with a {@link BaselineException} when the name is invalid or taken, the window is
   * not over yet, or nothing was recorded in it.
   */
  PinnedBaseline pinBaseline(String name, Optional<String> target, Instant from, Instant to);

  /** Deletes a pinned baseline and its statements; {@link BaselineException} NOT_FOUND when there is none. */
  void deleteBaseline(String name);

  // --- reads ---

  Optional<Snapshot> lastSnapshot(String target);

  Set<TextKey> knownTextKeys(String target);

  Optional<StatementText> text(String target, long dbId, long queryId);

  List<TargetRecord> targets();

  List<DatabaseInfo> databases(String target);

  /** Per (target, database, queryId), ordered by execMs descending. */
  List<HotQueryRow> hotQueries(HotQueryFilter filter);

  /** Pinned baselines, newest first. */
  List<PinnedBaseline> baselines();

  Optional<PinnedBaseline> baseline(String name);

  /** A pinned baseline's sums per (target, database, queryId), with database names and texts; empty if none. */
  List<HotQueryRow> baselineStatements(String name);

  /** Points whose end lies in (from, to] (rollup buckets overlapping it), ordered by end. */
  List<SeriesPoint> querySeries(String target, long dbId, long queryId, Instant from, Instant to);

  StoreStats stats();

  /** Bytes the store takes on disk; cheap (no query), for a metric updated every poll. */
  long fileSizeBytes();

  @Override
  void close();
}
