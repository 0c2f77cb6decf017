package dev.earlybird.history;

import dev.earlybird.model.Finding;
import dev.earlybird.model.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The analysis' findings: each evaluated window's changes with the alerts they raise, in one transaction, and the
 * findings for the analysis and its readers.
 */
public interface FindingStore {
  /**
   * Stores the outcome of evaluating one analysis window atomically: changed findings (upserted by id),
   * dropped pending ones, and the window's end as the analysis watermark.
   */
  default void recordEvaluation(Instant windowEnd, List<Finding> changed, List<String> deletedIds) {
    recordEvaluation(windowEnd, changed, deletedIds, AlertWrites.NONE);
  }

  /** As above, with the alerts and notifications the changes raised, in the same transaction. */
  void recordEvaluation(Instant windowEnd, List<Finding> changed, List<String> deletedIds, AlertWrites alerts);

  /** End of the last evaluated analysis window, if any. */
  OptionalLong analysisWatermark();

  /** Pending and active findings (the analysis' working set). */
  List<Finding> openFindings();

  /** Active and resolved findings for readers, with their statement texts. */
  List<FindingRow> findings(FindingFilter filter);

  /** Active findings per target and severity (targets without any are absent). */
  Map<String, Map<Severity, Long>> activeFindingCounts();
}
