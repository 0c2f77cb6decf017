package dev.earlybird.analysis;

import java.util.Locale;

/**
 * One statement, per (target, database, queryId), in a pinned baseline ("before") and in a window ("after").
 *
 * @param beforeMeanMs execution time per call in the baseline; null when the statement is {@link Status#NEW}
 * @param afterMeanMs execution time per call in the window; null when the statement is {@link Status#GONE}
 * @param ratio after mean / before mean; null unless both exist and the before mean is above zero
 * @param extraMs what the change of per-call time cost in the window: (after mean - before mean) x after
 *     calls, the whole execution time of a new statement; null when gone. More calls at the same per-call
 *     time add nothing: that is volume, not a regression
 * @param pValue Welch's one-sided test of per-call time in the direction it moved (slower or faster): the chance of
 *     a change this large between equal means; null unless the statement is on both sides
 */
public record StatementChange(
    String target,
    String database,
    String tenant,
    long queryId,
    String family,
    String query,
    Status status,
    long beforeCalls,
    long afterCalls,
    Double beforeMeanMs,
    Double afterMeanMs,
    double beforeCpuMs,
    double afterCpuMs,
    CpuSource cpuSource,
    Double ratio,
    Double extraMs,
    Double pValue) {

  public enum Status {
    /** in the baseline and in the window */
    BOTH,
    /** only in the window */
    NEW,
    /** only in the baseline */
    GONE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
