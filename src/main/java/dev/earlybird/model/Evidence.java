package dev.earlybird.model;

/**
 * The numbers behind a finding, one record per kind. Times are milliseconds per call unless the name says
 * otherwise; {@code ...SecondsPerHour} is time per hour of wall clock, i.e. 3600 = one core busy.
 */
public sealed interface Evidence {
  /** The finding's kind follows from its evidence. */
  FindingKind kind();

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
      implements Evidence {
    @Override
    public FindingKind kind() {
      return FindingKind.REGRESSION;
    }
  }

  /** @param rank 1-based rank by CPU among the statements of its target (or tenant) in the window */
  record New(long calls, double meanMs, double cpuMs, double cpuSecondsPerHour, int rank, String cpuSource)
      implements Evidence {
    @Override
    public FindingKind kind() {
      return FindingKind.NEW;
    }
  }

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
      implements Evidence {
    @Override
    public FindingKind kind() {
      return FindingKind.OUTLIER;
    }
  }

  /** @param sharePct share of the target's CPU in the window */
  record Hot(
      int rank, long calls, double meanMs, double cpuMs, double sharePct, double cpuSecondsPerHour, String cpuSource)
      implements Evidence {
    @Override
    public FindingKind kind() {
      return FindingKind.HOT;
    }
  }

  /**
   * The expected CPU of a target in the first hours of its tenants' workday.
   *
   * @param from start of the forecast hours (the earliest workday start among the tenants concerned)
   * @param to end of the forecast hours
   * @param vcpus the target's capacity
   * @param expectedCpuSeconds the CPU those hours are expected to use
   * @param cpuRatio expected CPU over capacity: 1.0 = every vCPU busy for the whole span
   * @param maxCpuRatio the threshold it exceeded ({@code alerts.forecast.maxCpuRatio})
   * @param regressionCpuRatio the part of {@code cpuRatio} that open regressions add (their current cost per call
   *     over their baseline's)
   * @param top the statements that contribute most, largest first
   * @param weeks how many past weeks had data for those hours (the fewest over the tenants' zones)
   */
  record Forecast(
      java.time.Instant from,
      java.time.Instant to,
      double vcpus,
      double expectedCpuSeconds,
      double cpuRatio,
      double maxCpuRatio,
      double regressionCpuRatio,
      java.util.List<Contributor> top,
      int weeks)
      implements Evidence {
    public Forecast {
      top = java.util.List.copyOf(top);
    }

    @Override
    public FindingKind kind() {
      return FindingKind.FORECAST;
    }
  }

  /**
   * What to do about a statement, a database or a target, and the numbers that say why.
   *
   * @param rule {@code missing_index}, {@code fleet_index_drift}, {@code stale_statistics}, {@code temp_spill},
   *     {@code temp_table_churn}, {@code planning_time}, {@code jit}, {@code low_hit_ratio}, {@code n_plus_one},
   *     {@code settings}
   * @param advice the change to make, in words, with the setting or rewrite
   * @param ddl the statement to run, for advice that has one (an index, an ANALYZE); null otherwise
   * @param numbers the measurements the rule used, by name (e.g. {@code tempMbPerCall}, {@code planMsPerCall})
   * @param hypothetical for index advice where HypoPG could try the index: the plan cost without and with it; null
   *     when not tried (the advice then says why it is unconfirmed)
   * @param databases for fleet index drift: the databases that lack the index most of the fleet has; else empty
   * @param related the fingerprint of a finding this advice points to as the likely cause (a statement's missing
   *     index that is a fleet drift); null when none
   * @param applied once the advised change is seen in place: when, and how the statement did before and after;
   *     null until then
   */
  record Advice(
      String rule,
      String advice,
      String ddl,
      java.util.Map<String, Double> numbers,
      Hypothetical hypothetical,
      java.util.List<String> databases,
      String related,
      Applied applied)
      implements Evidence {
    public Advice {
      java.util.Objects.requireNonNull(rule, "rule");
      java.util.Objects.requireNonNull(advice, "advice");
      numbers = java.util.Map.copyOf(numbers);
      databases = databases == null ? java.util.List.of() : java.util.List.copyOf(databases);
    }

    /** Advice from counters alone: nothing tried, no databases, nothing related, not applied. */
    public Advice(String rule, String advice, String ddl, java.util.Map<String, Double> numbers) {
      this(rule, advice, ddl, numbers, null, java.util.List.of(), null, null);
    }

    public Advice withApplied(Applied applied) {
      return new Advice(rule, advice, ddl, numbers, hypothetical, databases, related, applied);
    }

    @Override
    public FindingKind kind() {
      return FindingKind.ADVICE;
    }
  }

  /**
   * The planner's cost of a statement without and with a hypothetical index.
   *
   * @param reductionPct {@code 100 × (costBefore − costAfter) / costBefore}, 0 when it does not get cheaper
   */
  record Hypothetical(double costBefore, double costAfter, double reductionPct) {}

  /**
   * Advice that was acted on: the advised index appeared (or the setting changed) between {@code absentAt} and
   * {@code seenAt}; the statement's calls before the first and after the second are compared with the same test as
   * regressions (calls in between are left out: when in that span the change took effect is not known).
   *
   * @param verdict {@code pending} (too few calls since), {@code improved} (per-call mean significantly lower) or
   *     {@code not_improved}
   * @param pValue one-sided Welch t-test that the per-call mean fell; NaN while pending
   */
  record Applied(
      java.time.Instant absentAt,
      java.time.Instant seenAt,
      String verdict,
      Side before,
      Side after,
      double pValue) {
    public static final String PENDING = "pending";
    public static final String IMPROVED = "improved";
    public static final String NOT_IMPROVED = "not_improved";
  }

  /** One side of a before/after comparison: calls, per-call execution mean and CPU per call (ms). */
  record Side(long calls, double meanMs, double cpuMsPerCall, String cpuSource) {}

  /**
   * One statement's part of a forecast.
   *
   * @param expectedCalls calls expected in the forecast hours (same hours of the same weekday in past weeks)
   * @param cpuMsPerCall its CPU per call projected into those hours from the latest window: its usual cost in those
   *     hours times how its cost now compares with its usual cost at this hour (so an overnight regression counts)
   * @param cpuSource the CPU layer the per-call figure comes from, as the hot list labels it
   * @param regressed an open regression is projected into the morning
   */
  record Contributor(
      long dbId,
      String database,
      String tenant,
      String queryId,
      double expectedCalls,
      double cpuMsPerCall,
      double cpuSeconds,
      String cpuSource,
      boolean regressed) {}
}
