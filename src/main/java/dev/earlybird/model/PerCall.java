package dev.earlybird.model;

/**
 * Per-call statistics from sums, the form pg_stat_statements' counters difference into: calls, total time
 * and total of squared times. One definition for intervals, rollups and the significance tests built on them.
 */
public final class PerCall {
  private PerCall() {}

  /** Mean time per call; 0 when there were no calls (never NaN). */
  public static double mean(long calls, double totalMs) {
    return calls == 0 ? 0 : totalMs / calls;
  }

  /**
   * Population variance of per-call time, {@code E[x^2] - E[x]^2}, clamped at 0: floating-point cancellation
   * on large cumulative sums can leave a tiny negative remainder.
   */
  public static double variance(long calls, double totalMs, double sumSquaresMs) {
    if (calls == 0) {
      return 0;
    }
    double mean = totalMs / calls;
    return Math.max(0, sumSquaresMs / calls - mean * mean);
  }
}
