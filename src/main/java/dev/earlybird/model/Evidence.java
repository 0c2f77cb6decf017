package dev.earlybird.model;

/**
 * The numbers behind a finding, one record per kind. Times are milliseconds per call unless the name says
 * otherwise; {@code ...SecondsPerHour} is time per hour of wall clock, i.e. 3600 = one core busy.
 */
public sealed interface Evidence {

  /**
   * @param baseline which baseline the "before" side is, e.g. {@code seasonal}, {@code rolling}
   * @param pValue one-sided Welch t-test that the per-call mean rose
   * @param extraSecondsPerHour (after mean - before mean) x after calls, per hour of the window
   * @param beforeVarianceMs2 per-call variance of the baseline; kept so that an open regression is judged
   *     against the baseline it was found against, not one that has since absorbed it
   * @param cpuSource where the statement's CPU in the window comes from, the same as the hot list says for it (the
   *     per-call means and the extra time are execution time whatever the layer)
   */
  record Regression(
      String baseline,
      double beforeMeanMs,
      double afterMeanMs,
      long beforeCalls,
      long afterCalls,
      double beforeVarianceMs2,
      double ratio,
      double pValue,
      double extraSecondsPerHour,
      String cpuSource)
      implements Evidence {}

  /** @param rank 1-based rank by CPU among the statements of its target (or tenant) in the window */
  record New(long calls, double meanMs, double cpuMs, double cpuSecondsPerHour, int rank, String cpuSource)
      implements Evidence {}

  /**
   * @param fleetMedianMs median per-call mean of the same family over the databases that ran it
   * @param databasesCompared how many databases ran the family with enough calls in the window
   * @param extraSecondsPerHour (mean - median) x calls, per hour of the window
   */
  record Outlier(
      double meanMs,
      double fleetMedianMs,
      double ratio,
      int databasesCompared,
      long calls,
      double extraSecondsPerHour)
      implements Evidence {}

  /** @param sharePct share of the target's CPU in the window */
  record Hot(
      int rank, long calls, double meanMs, double cpuMs, double sharePct, double cpuSecondsPerHour, String cpuSource)
      implements Evidence {}
}
