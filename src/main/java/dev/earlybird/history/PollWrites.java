package dev.earlybird.history;

import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a poll writes and what the next poll continues from: intervals with the target's new snapshot, the
 * target's facts, its databases and statement texts. Written by the poll loop through the single writer.
 */
public interface PollWrites {
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

  /**
   * Records when a target's server started and its version (read at each connect), so every agent reading the store
   * (replicas sharing it, reports) can show them.
   */
  void recordServerStart(String target, Instant startedAt, String version);

  Optional<Snapshot> lastSnapshot(String target);

  Set<TextKey> knownTextKeys(String target);
}
