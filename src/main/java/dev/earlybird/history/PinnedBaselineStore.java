package dev.earlybird.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Pinned baselines: a window's per-statement sums kept under a name, to compare later windows with.
 */
public interface PinnedBaselineStore {
  /**
   * Pins a baseline: copies the per-statement sums of {@code (from, to]} (of one target, or all) under
   * {@code name}. Refused with a {@link BaselineException} when the name is invalid or taken, the window is
   * not over yet, or nothing was recorded in it.
   */
  PinnedBaseline pinBaseline(String name, Optional<String> target, Instant from, Instant to);

  /** Deletes a pinned baseline and its statements; {@link BaselineException} NOT_FOUND when there is none. */
  void deleteBaseline(String name);

  /** Pinned baselines, newest first. */
  List<PinnedBaseline> baselines();

  Optional<PinnedBaseline> baseline(String name);

  /** A pinned baseline's sums per (target, database, queryId), with database names and texts; empty if none. */
  List<HotQueryRow> baselineStatements(String name);
}
