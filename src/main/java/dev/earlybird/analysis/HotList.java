package dev.earlybird.analysis;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.StatementRef;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import java.util.LinkedHashMap;
import dev.earlybird.history.CallTime;
import dev.earlybird.model.Period;
import java.time.Duration;
import java.time.ZoneId;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.HotRanking;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The hot-query list: statements of a window ranked by CPU, each with its share of its target's CPU. The store ranks
 * and returns the top with each target's total (the shares need it), so a fleet's 70,000 statements are not read to
 * show a hundred; PI-only digests and baselines are added here.
 */
public final class HotList {
  private final HistoryStore store;
  private final TenantsConfig tenants;
  private final BaselineConfig baseline;

  public HotList(HistoryStore store, TenantsConfig tenants, BaselineConfig baseline) {
    this.store = store;
    this.tenants = tenants;
    this.baseline = baseline;
  }

  /** What to rank; null filters mean all. */
  public record Request(Instant from, Instant to, String target, String database, String tenant, int limit) {}

  public List<HotQuery> rank(Request r) {
    // The store ranks by CPU with Performance Insights' figures where PI covered a statement: the ranking the
    // analysis' findings report (history.CpuRank). It returns the top only, with the targets' totals the shares
    // need: reading every statement of a fleet's day to show a hundred cost seconds.
    HotRanking top =
        store.hotRanking(
            new HotQueryFilter(
                r.from(), r.to(), Optional.ofNullable(r.target()), Optional.ofNullable(r.database()),
                OptionalInt.of(r.limit()))
                .withPerformanceInsights(),
            Optional.ofNullable(r.tenant()).map(t -> name -> t.equals(tenants.tenantOf(name))));
    Period window = new Period(r.from(), r.to());
    // PI-only digests have no database, so no tenant: they belong to unfiltered and per-target lists only.
    List<HotQuery> piOnly = r.database() == null && r.tenant() == null
        ? piOnly(store.piOnly(window, Optional.ofNullable(r.target())))
        : List.of();
    List<HotQuery> ranked = rank(top.rows(), top.targetCpuMs(), piOnly, tenants::tenantOf, r.tenant(), r.limit(),
        Duration.between(r.from(), r.to()));
    return withBaselines(ranked, window);
  }

  /** PI-only digests as hot-list rows: PI's own calls and latency where it had them, CPU from PI. */
  static List<HotQuery> piOnly(List<dev.earlybird.history.PiOnlyRow> rows) {
    return rows.stream().map(p -> {
      long calls = Math.round(p.calls().orElse(0));
      double mean = p.meanMs().orElse(0);
      return new HotQuery(p.target(), null, null, 0, null, p.statement(), calls, mean * calls, mean, p.cpuMs(),
          CpuSource.PERFORMANCE_INSIGHTS, 0, null, 0, 0, null, null, 0, p.tokenizedId(), 0);
    }).toList();
  }

  /** Attaches each listed statement's baseline: see {@link HotBaseline} for which one. */
  private List<HotQuery> withBaselines(List<HotQuery> ranked, Period window) {
    if (ranked.isEmpty()) {
      return ranked;
    }
    Map<String, Evidence.Regression> regressions = new HashMap<>();
    for (Finding f : store.openFindings()) {
      if (f.state() == FindingState.ACTIVE && f.evidence() instanceof Evidence.Regression e) {
        regressions.put(f.fingerprint(), e);
      }
    }
    Map<String, Instant> firstPolls = store.firstPolls();
    List<HotBaseline> chosen = new ArrayList<>(ranked.size());
    Map<BaselinePlan, List<StatementRef>> toRead = new LinkedHashMap<>();
    for (HotQuery q : ranked) {
      HotBaseline b = q.piOnly() ? null : HotBaseline.of(baseline, window, zone(q.tenant()),
          Optional.ofNullable(firstPolls.get(q.target())),
          Optional.ofNullable(regressions.get(Fingerprints.of(FindingKind.REGRESSION, q.target(), q.dbId(), q.queryId()))));
      chosen.add(b);
      if (b instanceof HotBaseline.Planned p) {
        toRead.computeIfAbsent(p.plan(), k -> new ArrayList<>()).add(ref(q));
      }
    }
    // Every plan (one per tenant zone, mostly the same periods) in one read.
    List<BaselinePlan> plans = List.copyOf(toRead.keySet());
    List<Map<StatementRef, CallTime>> sums = store.callTimes(
        plans.stream().map(plan -> new CallTime.Read(plan.periods(), toRead.get(plan))).toList());
    Map<BaselinePlan, Map<StatementRef, CallTime>> read = new HashMap<>();
    for (int i = 0; i < plans.size(); i++) {
      read.put(plans.get(i), sums.get(i));
    }
    List<HotQuery> out = new ArrayList<>(ranked.size());
    for (int i = 0; i < ranked.size(); i++) {
      HotQuery q = ranked.get(i);
      out.add(switch (chosen.get(i)) {
        case null -> q; // PI-only: no statement to have a baseline
        case HotBaseline.Frozen f -> q.withBaseline(HotBaseline.frozenLabel(f.evidence()), f.evidence().beforeMeanMs());
        case HotBaseline.Absent a -> q.withBaseline(a.why(), null);
        case HotBaseline.Planned p -> {
          CallTime u = read.get(p.plan()).get(ref(q));
          yield q.withBaseline(p.plan().label(), u == null || u.calls() == 0 ? null : u.meanMs());
        }
      });
    }
    return out;
  }

  /** The tenant's zone, as the analysis plans its seasonal baseline in it. */
  private ZoneId zone(String tenant) {
    return tenant == null ? tenants.defaults().timezone() : tenants.settingsFor(tenant).timezone();
  }

  private static StatementRef ref(HotQuery q) {
    return new StatementRef(q.target(), q.dbId(), q.queryId());
  }

  /**
   * CPU descending; within a target the store's rank (the same order, ties broken as the analysis breaks them),
   * PI-only digests after the statements they tie with.
   */
  private static final Comparator<HotQuery> ORDER = Comparator.comparingDouble(HotQuery::cpuMs).reversed()
      .thenComparing(HotQuery::target)
      .thenComparing(HotQuery::piOnly)
      .thenComparingInt(HotQuery::rank)
      .thenComparing(HotQuery::totalExecMs, Comparator.reverseOrder());

  /**
   * Pure ranking: CPU per row from its source, share of its target's CPU (over all the target's rows in the
   * window, before the tenant filter and the limit), ordered by CPU descending.
   */
  static List<HotQuery> rank(
      List<HotQueryRow> rows,
      java.util.function.Function<String, String> tenantOf,
      String tenant,
      int limit,
      Duration window) {
    return rank(rows, List.of(), tenantOf, tenant, limit, window);
  }

  /** The same, with PI-only digests ranked among the statements (their CPU counts in their target's total). */
  static List<HotQuery> rank(
      List<HotQueryRow> rows,
      List<HotQuery> piOnly,
      java.util.function.Function<String, String> tenantOf,
      String tenant,
      int limit,
      Duration window) {
    Map<String, Double> targetCpu = new HashMap<>();
    for (HotQueryRow row : rows) {
      targetCpu.merge(row.target(), CpuAttribution.of(row.usage()).ms(), Double::sum);
    }
    return rank(rows, targetCpu, piOnly, tenantOf, tenant, limit, window);
  }

  /**
   * The same over the top rows only, with each target's CPU over all its statements given ({@code statementCpu}):
   * what the store's ranking ({@link HistoryStore#hotRanking}) returns.
   */
  static List<HotQuery> rank(
      List<HotQueryRow> rows,
      Map<String, Double> statementCpu,
      List<HotQuery> piOnly,
      java.util.function.Function<String, String> tenantOf,
      String tenant,
      int limit,
      Duration window) {
    double windowMs = Math.max(1, window.toMillis());
    Map<String, Double> targetCpu = new HashMap<>(statementCpu);
    List<HotQuery> all = new ArrayList<>(rows.size());
    for (HotQueryRow row : rows) {
      CpuAttribution.Cpu attributed = CpuAttribution.of(row.usage());
      CpuSource source = attributed.source();
      double cpu = attributed.ms();
      long calls = row.calls();
      all.add(
          new HotQuery(
              row.target(),
              row.database(),
              tenantOf.apply(row.database()),
              row.queryId(),
              row.family(),
              row.query(),
              calls,
              row.usage().execMs(),
              calls == 0 ? 0 : row.usage().execMs() / calls,
              cpu,
              source,
              0,
              null,
              row.rows(),
              0,
              null,
              null,
              row.dbId(),
              null,
              row.targetRank()));
    }
    for (HotQuery q : piOnly) {
      targetCpu.merge(q.target(), q.cpuMs(), Double::sum);
      all.add(q);
    }
    return all.stream()
        .filter(q -> tenant == null || tenant.equals(q.tenant()))
        .map(q -> {
          double total = targetCpu.getOrDefault(q.target(), 0.0);
          return q.withShares(total <= 0 ? 0 : 100.0 * q.cpuMs() / total, 100.0 * q.cpuMs() / windowMs);
        })
        .sorted(ORDER)
        .limit(limit)
        .toList();
  }

}
