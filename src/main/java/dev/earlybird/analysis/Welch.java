package dev.earlybird.analysis;

/**
 * Welch's one-sided t-test that the per-call mean of "after" is above that of "before", on distributions
 * reconstructed from sums (calls, total, total of squares), as pg_stat_statements' counters allow. Pure.
 *
 * <p>Per-call times are skewed, but the test compares means of many calls (the gate requires minCalls on
 * both sides), where the central limit theorem makes the t statistic usable; its job here is to stop a
 * ratio computed from a handful of noisy calls, or from a naturally high-variance statement, from counting
 * as a regression.
 */
public final class Welch {
  private Welch() {}

  /** A sample summarized: calls, mean and POPULATION variance per call (what the sums give). */
  public record Sample(long n, double mean, double variance) {}

  /** @param pValue P(a t this large | means equal); 1 when the test cannot be run (n < 2) */
  public record Result(double t, double df, double pValue) {}

  public static Result greater(Sample before, Sample after) {
    if (before.n() < 2 || after.n() < 2) {
      return new Result(0, 0, 1);
    }
    // Sample variances from population variances.
    double vb = before.variance() * before.n() / (before.n() - 1);
    double va = after.variance() * after.n() / (after.n() - 1);
    double sb = vb / before.n(), sa = va / after.n();
    double se2 = sa + sb;
    double diff = after.mean() - before.mean();
    if (!(se2 > 0)) {
      // No spread on either side: the means are exact, so any rise is certain.
      return new Result(diff > 0 ? Double.POSITIVE_INFINITY : 0, Double.POSITIVE_INFINITY, diff > 0 ? 0 : 1);
    }
    double t = diff / Math.sqrt(se2);
    double df = se2 * se2 / (sa * sa / (after.n() - 1) + sb * sb / (before.n() - 1));
    return new Result(t, df, StudentT.upperTail(t, df));
  }
}
