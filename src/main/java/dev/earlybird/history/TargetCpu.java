package dev.earlybird.history;

/**
 * One target's statements summed over a window, for the fleet page.
 *
 * @param cpuMs each statement's CPU by the layers of {@link CpuRank} (Performance Insights left out), summed
 * @param weakestSource the least direct layer any statement needed, as the index of {@code analysis.CpuSource}
 *     (0 pg_stat_kcache ... 3 execution time), so the page can say when the figure is an upper bound
 */
public record TargetCpu(String target, double cpuMs, long calls, long statements, int weakestSource) {}
