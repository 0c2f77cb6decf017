package dev.earlybird.history;

import java.util.List;

/**
 * One statement family (the same normalized SQL across databases) over a window: its fleet totals and the spread
 * of its per-call mean across the databases running it.
 *
 * @param query one database's stored (already redacted) text of the family
 * @param cpuUs CPU in microseconds, rounded: the order of the list, equal however the sums were added up
 * @param cpuSource the least direct CPU layer any of its statements used, 0..3 in the order of
 *     {@code analysis.CpuSource} (kcache, Performance Insights, exec minus IO, exec time)
 * @param databases databases that ran it (with calls) in the window
 * @param tenants distinct tenants of those databases
 * @param medianMs median over the databases of each one's per-call mean (likewise {@code p90Ms}, {@code worstMs})
 * @param worst the databases with the highest per-call mean, worst first (at most three)
 */
public record FamilyRow(
    String family, String query, long cpuUs, int cpuSource, long calls, double execMs, int databases, int tenants,
    double medianMs, double p90Ms, double worstMs, List<FamilyDatabase> worst) {}
