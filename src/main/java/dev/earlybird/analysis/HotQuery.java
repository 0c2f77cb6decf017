package dev.earlybird.analysis;

/**
 * One row of the hot-query list: a statement per (target, database, queryId), summed over users and nesting
 * levels, over a window.
 *
 * @param sharePct the statement's share of its target's CPU in the window, 0..100
 * @param windowSharePct its CPU as a share of the window's wall clock: 100 = one core busy all window
 * @param baselineMeanMs mean per call in the baseline; null when it did not run in the baseline
 * @param changePct change of the mean per call against the baseline, in percent; null without a baseline
 * @param baseline which baseline ({@code seasonal}, {@code rolling}, ...); null before baselines are attached
 * @param piDigest for a Performance Insights digest that joined to no pg_stat_statements entry (PI-only: no
 *     database, queryId 0), PI's {@code db.sql_tokenized.id}; null for every other row
 * @param rank 1-based rank by CPU among all the statements of its target in the window: the rank a hot finding of
 *     the same window reports (a new finding's, when its target rank is its better one); 0 for a PI-only digest
 *     (not a statement the analysis ranks)
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
    Double baselineMeanMs,
    long rows,
    double windowSharePct,
    Double changePct,
    String baseline,
    long dbId,
    String piDigest,
    int rank) {

  /** A row of pg_stat_statements (not PI-only). */
  public HotQuery(String target, String database, String tenant, long queryId, String family, String query, long calls,
      double totalExecMs, double meanMs, double cpuMs, CpuSource cpuSource, double sharePct, Double baselineMeanMs,
      long rows, double windowSharePct, Double changePct, String baseline, long dbId) {
    this(target, database, tenant, queryId, family, query, calls, totalExecMs, meanMs, cpuMs, cpuSource, sharePct,
        baselineMeanMs, rows, windowSharePct, changePct, baseline, dbId, null, 0);
  }

  public boolean piOnly() {
    return piDigest != null;
  }

  HotQuery withShares(double sharePct, double windowSharePct) {
    return new HotQuery(target, database, tenant, queryId, family, query, calls, totalExecMs, meanMs, cpuMs,
        cpuSource, sharePct, baselineMeanMs, rows, windowSharePct, changePct, baseline, dbId, piDigest, rank);
  }

  HotQuery withBaseline(String label, Double baselineMeanMs) {
    Double change = baselineMeanMs == null || baselineMeanMs <= 0 ? null : 100 * (meanMs - baselineMeanMs) / baselineMeanMs;
    return new HotQuery(target, database, tenant, queryId, family, query, calls, totalExecMs, meanMs, cpuMs,
        cpuSource, sharePct, baselineMeanMs, rows, windowSharePct, change, label, dbId, piDigest, rank);
  }
}
