package dev.earlybird.analysis;

/**
 * One row of the hot-query list: a statement per (target, database, queryId), summed over users and nesting
 * levels, over a window.
 *
 * @param sharePct the statement's share of its target's CPU in the window, 0..100
 * @param baselineMeanMs mean per call in the baseline; null until baselines exist for it
 */
public record HotQuery(
    String target,
    String database,
    String tenant,
    long queryId,
    String family,
    String query,
    long calls,
    double totalExecMs,
    double meanMs,
    double cpuMs,
    CpuSource cpuSource,
    double sharePct,
    Double baselineMeanMs) {}
