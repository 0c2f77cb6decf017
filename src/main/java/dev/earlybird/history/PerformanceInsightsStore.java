package dev.earlybird.history;

import dev.earlybird.model.Period;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Performance Insights windows, their digests joined to statements, and the reads of PI's load.
 */
public interface PerformanceInsightsStore {
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
}
