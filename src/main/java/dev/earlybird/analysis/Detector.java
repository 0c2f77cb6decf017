package dev.earlybird.analysis;

import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.history.OutlierRow;
import dev.earlybird.history.StatementComparison;
import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Subject;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for one window, which finding conditions hold: regression, new, outlier and hot. Pure: rows in,
 * observations out. Which windows in a row make a finding is the {@link Lifecycle}'s business.
 */
public final class Detector {
  private final AnalysisConfig config;

  public Detector(AnalysisConfig config) {
    this.config = config;
  }

  /** What a row of the fleet is called and how its CPU is measured. */
  public interface Names {
    String database(String target, long dbId);

    String tenant(String target, long dbId);

    /**
     * Whether the target's server restarted in this window or the one before: caches are cold, so per-call
     * costs are not judged (neither found nor cleared) until they have warmed up.
     */
    boolean warmingUp(String target);
  }

  /**
   * A statement with its baseline.
   *
   * @param baseline the plan's label (which baseline "before" is)
   * @param baselineCovered whether the target's history covers enough of the baseline for "absent from the
   *     baseline" to mean "new", and for a regression to be found against it
   */
  public record Compared(StatementComparison row, String baseline, boolean baselineCovered) {}

  /**
   * @param unknown fingerprints whose condition could not be judged in this window (too few calls): an open
   *     finding with such a fingerprint neither advances nor clears
   */
  public record Detection(List<Observation> holds, Set<String> unknown) {}

  /**
   * @param frozen the evidence of open regressions by fingerprint: their "before" side stays what it was when
   *     they were found, so a long regression is not forgotten as a rolling baseline absorbs it
   */
  public Detection detect(
      Period window, List<Compared> rows, List<OutlierRow> outliers, Names names, Map<String, Evidence.Regression> frozen) {
    double hours = window.length().toNanos() / 3.6e12;
    List<Observation> holds = new ArrayList<>();
    Set<String> unknown = new HashSet<>();
    Map<String, Integer> tenantRanks = tenantRanks(rows, names);
    for (Compared c : rows) {
      StatementComparison r = c.row();
      regression(c, hours, names, holds, unknown, frozen);
      String tenantKey = r.target() + "\u0000" + names.tenant(r.target(), r.dbId());
      int tenantRank = tenantRanks.getOrDefault(rankKey(tenantKey, r), Integer.MAX_VALUE);
      newStatement(c, hours, tenantRank, names, holds);
      hot(r, hours, names, holds);
    }
    for (OutlierRow o : outliers) {
      outlier(o, hours, names, holds, unknown);
    }
    return new Detection(holds, unknown);
  }

  private void regression(
      Compared c, double hours, Names names, List<Observation> holds, Set<String> unknown,
      Map<String, Evidence.Regression> frozen) {
    var rc = config.regression();
    StatementComparison r = c.row();
    Usage w = r.window();
    String fp = Fingerprints.of(FindingKind.REGRESSION, r.target(), r.dbId(), r.queryId());
    Evidence.Regression kept = frozen.get(fp);
    String baseline = kept != null ? kept.baseline() : c.baseline();
    long beforeCalls = kept != null ? kept.beforeCalls() : r.baseline().calls();
    double before = kept != null ? kept.beforeMeanMs() : r.baseline().meanExecMs();
    double beforeVariance = kept != null ? kept.beforeVarianceMs2() : r.baseline().execVarianceMs2();
    if (w.calls() == 0) {
      return; // did not run: nothing costs, the condition does not hold
    }
    // A baseline from only a little history (an agent or target just added) says too little to find one.
    boolean thinBaseline = kept == null && !c.baselineCovered();
    if (w.calls() < rc.minCalls() || beforeCalls < rc.minCalls() || names.warmingUp(r.target()) || thinBaseline) {
      unknown.add(fp);
      return;
    }
    double after = w.meanExecMs();
    double extraMs = (after - before) * w.calls();
    if (!(after >= rc.minRatio() * before) || extraMs <= 0) {
      return;
    }
    if (extraMs < rc.minExtraMsPerWindow()) {
      // Still slower per call, but too few calls for the impact to count (a quiet night or weekend): that says
      // nothing about whether the cause is gone, so an open finding neither advances nor clears.
      if (kept != null) {
        unknown.add(fp);
      }
      return;
    }
    Welch.Result test = Welch.greater(
        new Welch.Sample(beforeCalls, before, beforeVariance), new Welch.Sample(w.calls(), after, w.execVarianceMs2()));
    if (!(test.pValue() <= rc.maxPValue())) {
      return;
    }
    double ratio = before > 0 ? after / before : 0;
    double extraPerHour = extraMs / 1000 / hours;
    String summary = String.format(Locale.ROOT,
        "%s slower per call than its %s baseline: %s -> %s over %,d calls, +%s of execution per hour (%s)",
        before > 0 ? String.format(Locale.ROOT, "%.1fx", ratio) : "much", baseline, ms(before), ms(after),
        w.calls(), seconds(extraPerHour), pValue(test.pValue()));
    holds.add(observation(fp, FindingKind.REGRESSION, Impact.regression(extraPerHour), r.target(), r.dbId(),
        r.queryId(), r.family(), summary, names,
        new Evidence.Regression(baseline, before, round(after), beforeCalls, w.calls(), beforeVariance, round(ratio),
            test.pValue(), round(extraPerHour), cpuSource(r).label())));
  }

  private void newStatement(Compared c, double hours, int tenantRank, Names names, List<Observation> holds) {
    StatementComparison r = c.row();
    int top = config.hot().top();
    if (!c.baselineCovered() || r.baseline().calls() > 0 || r.window().calls() == 0
        || (r.targetRank() > top && tenantRank > top)) {
      return;
    }
    double cpuPerHour = r.cpuMs() / 1000 / hours;
    if (cpuPerHour * 1000 < config.regression().minExtraPerHour().toMillis()) {
      return;
    }
    int rank = Math.min(r.targetRank(), tenantRank);
    String where = r.targetRank() <= tenantRank ? "its target" : "its tenant";
    String summary = String.format(Locale.ROOT,
        "new statement, #%d by CPU on %s: %,d calls at %s, %s CPU per hour",
        rank, where, r.window().calls(), ms(r.window().meanExecMs()), seconds(cpuPerHour));
    String fp = Fingerprints.of(FindingKind.NEW, r.target(), r.dbId(), r.queryId());
    holds.add(observation(fp, FindingKind.NEW, Impact.newStatement(cpuPerHour), r.target(), r.dbId(), r.queryId(),
        r.family(), summary, names,
        new Evidence.New(r.window().calls(), round(r.window().meanExecMs()), round(r.cpuMs()), round(cpuPerHour), rank,
            cpuSource(r).label())));
  }

  private void hot(StatementComparison r, double hours, Names names, List<Observation> holds) {
    if (r.targetRank() > config.hot().findings() || r.cpuMs() <= 0) {
      return;
    }
    double cpuPerHour = r.cpuMs() / 1000 / hours;
    if (cpuPerHour * 1000 < config.regression().minExtraPerHour().toMillis()) {
      return;
    }
    double share = r.targetCpuMs() > 0 ? 100 * r.cpuMs() / r.targetCpuMs() : 0;
    String summary = String.format(Locale.ROOT,
        "#%d by CPU on its target: %.0f%% of its CPU, %s per hour, %,d calls at %s",
        r.targetRank(), share, seconds(cpuPerHour), r.window().calls(), ms(r.window().meanExecMs()));
    String fp = Fingerprints.of(FindingKind.HOT, r.target(), r.dbId(), r.queryId());
    holds.add(observation(fp, FindingKind.HOT, Impact.hot(cpuPerHour), r.target(), r.dbId(), r.queryId(), r.family(),
        summary, names,
        new Evidence.Hot(r.targetRank(), r.window().calls(), round(r.window().meanExecMs()), round(r.cpuMs()),
            round(share), round(cpuPerHour), cpuSource(r).label())));
  }

  private void outlier(OutlierRow o, double hours, Names names, List<Observation> holds, Set<String> unknown) {
    var oc = config.outlier();
    String fp = Fingerprints.of(FindingKind.OUTLIER, o.target(), o.dbId(), o.queryId());
    double extraMs = (o.meanMs() - o.medianMs()) * o.calls();
    if (o.databases() < oc.minDatabases() || names.warmingUp(o.target())) {
      unknown.add(fp);
      return;
    }
    if (!(o.meanMs() >= oc.minRatio() * o.medianMs()) || extraMs < config.regression().minExtraMsPerWindow()
        || extraMs <= 0) {
      return;
    }
    double ratio = o.medianMs() > 0 ? o.meanMs() / o.medianMs() : 0;
    double extraPerHour = extraMs / 1000 / hours;
    String summary = String.format(Locale.ROOT,
        "%s slower per call than the same SQL across %d databases: %s vs a median of %s, +%s per hour",
        o.medianMs() > 0 ? String.format(Locale.ROOT, "%.1fx", ratio) : "much", o.databases(), ms(o.meanMs()),
        ms(o.medianMs()), seconds(extraPerHour));
    holds.add(observation(fp, FindingKind.OUTLIER, Impact.outlier(extraPerHour), o.target(), o.dbId(), o.queryId(),
        o.family(), summary, names,
        new Evidence.Outlier(round(o.meanMs()), round(o.medianMs()), round(ratio), o.databases(), o.calls(),
            round(extraPerHour))));
  }

  /**
   * The layer the row's CPU came from (the store ranks by the same figure), by what was true when its intervals
   * were polled: the hot list shows the same for the same statement and window.
   */
  private static CpuSource cpuSource(StatementComparison r) {
    return CpuAttribution.of(r.window()).source();
  }

  private static Observation observation(
      String fp, FindingKind kind, dev.earlybird.model.Severity severity, String target, long dbId, long queryId,
      String family, String summary, Names names, Evidence evidence) {
    if (evidence.kind() != kind) { // a slip in this class; the fingerprint would name the wrong kind
      throw new IllegalArgumentException(kind + " finding with " + evidence.kind() + " evidence");
    }
    return new Observation(fp, severity, new Subject.Statement(target, dbId, names.database(target, dbId),
        names.tenant(target, dbId), queryId, family), summary, evidence);
  }

  /** Rank by CPU within (target, tenant), over the rows at hand (which include every database's top). */
  private static Map<String, Integer> tenantRanks(List<Compared> rows, Names names) {
    Map<String, List<StatementComparison>> byTenant = new HashMap<>();
    for (Compared c : rows) {
      StatementComparison r = c.row();
      byTenant.computeIfAbsent(r.target() + "\u0000" + names.tenant(r.target(), r.dbId()), k -> new ArrayList<>()).add(r);
    }
    Map<String, Integer> ranks = new HashMap<>();
    byTenant.forEach((tenant, list) -> {
      list.sort(Comparator.comparingDouble(StatementComparison::cpuMs).reversed()
          .thenComparingLong(StatementComparison::dbId).thenComparingLong(StatementComparison::queryId));
      for (int i = 0; i < list.size(); i++) {
        ranks.put(rankKey(tenant, list.get(i)), i + 1);
      }
    });
    return ranks;
  }

  private static String rankKey(String tenantKey, StatementComparison r) {
    return tenantKey + "\u0000" + r.dbId() + "\u0000" + r.queryId();
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static String ms(double v) {
    return v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.2f ms", v);
  }

  static String seconds(double s) {
    return s >= 60 ? String.format(Locale.ROOT, "%.1f min", s / 60) : String.format(Locale.ROOT, "%.1f s", s);
  }

  static String pValue(double p) {
    return p < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", p);
  }
}
