package dev.earlybird.history;

/**
 * A statement {@code (target, dbId, queryId)} in a window and in its baseline, summed over users and nesting
 * levels.
 *
 * @param family null until the statement's text was fetched
 * @param baseline all zeros when the statement did not run in the baseline periods
 * @param window the window's sums, with Performance Insights' CPU attached where PI covered it
 * @param cpuMs the window's CPU by {@link CpuRank} (the figure it ranks by), never negative
 * @param targetRank 1-based rank by that CPU among all statements of the target in the window, as the hot list
 *     ranks them
 * @param targetCpuMs the target's total of that CPU over ALL its statements in the window
 */
public record StatementComparison(
    String target,
    long dbId,
    long queryId,
    String family,
    Usage window,
    Usage baseline,
    double cpuMs,
    int targetRank,
    double targetCpuMs) {}
