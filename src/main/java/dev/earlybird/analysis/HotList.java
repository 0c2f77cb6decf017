package dev.earlybird.analysis;

import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.StatementRef;
import dev.earlybird.history.Usage;
import dev.earlybird.model.Period;
import java.time.Duration;
import java.time.ZoneId;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.HotQueryRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The hot-query list: statements of a window ranked by CPU, each with its share of its target's CPU. Reads
 * the whole window's rows (not just the top), because shares need the target totals.
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
    List<HotQueryRow> rows =
        store.hotQueries(
            new HotQueryFilter(
                r.from(), r.to(), Optional.ofNullable(r.target()), Optional.ofNullable(r.database()), OptionalInt.empty()));
    Period window = new Period(r.from(), r.to());
    rows = withPiCpu(store, window, rows);
    // PI-only digests have no database, so no tenant: they belong to unfiltered and per-target lists only.
    List<HotQuery> piOnly = r.database() == null && r.tenant() == null
        ? piOnly(store.piOnly(window, Optional.ofNullable(r.target())))
        : List.of();
    List<HotQuery> ranked = rank(rows, piOnly, tenants::tenantOf, r.tenant(), r.limit(),
        Duration.between(r.from(), r.to()));
    return withBaselines(ranked, r);
  }

  /** Attaches Performance Insights' CPU to the rows PI covered (the PI layer of {@link CpuAttribution}). */
  static List<HotQueryRow> withPiCpu(HistoryStore store, Period window, List<HotQueryRow> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    Map<StatementRef, Double> pi = store.piCpu(window,
        rows.stream().map(q -> new StatementRef(q.target(), q.dbId(), q.queryId())).toList());
    if (pi.isEmpty()) {
      return rows;
    }
    return rows.stream().map(q -> {
      Double ms = pi.get(new StatementRef(q.target(), q.dbId(), q.queryId()));
      return ms == null ? q : new HotQueryRow(q.target(), q.database(), q.dbId(), q.queryId(), q.family(), q.query(),
          q.usage().withPiCpuMs(ms));
    }).toList();
  }

  /** PI-only digests as hot-list rows: PI's own calls and latency where it had them, CPU from PI. */
  static List<HotQuery> piOnly(List<dev.earlybird.history.PiOnlyRow> rows) {
    return rows.stream().map(p -> {
      long calls = Math.round(p.calls().orElse(0));
      double mean = p.meanMs().orElse(0);
      return new HotQuery(p.target(), null, null, 0, null, p.statement(), calls, mean * calls, mean, p.cpuMs(),
          CpuSource.PERFORMANCE_INSIGHTS, 0, null, 0, 0, null, null, 0, p.tokenizedId());
    }).toList();
  }

  /**
   * Attaches each listed statement's baseline mean: the configured baseline for the same window (in the
   * tenant's zone when filtered by tenant), read only for the statements listed.
   */
  private List<HotQuery> withBaselines(List<HotQuery> ranked, Request r) {
    if (ranked.isEmpty()) {
      return ranked;
    }
    ZoneId zone = r.tenant() == null ? tenants.defaults().timezone() : tenants.settingsFor(r.tenant()).timezone();
    BaselinePlan plan = BaselinePlan.of(baseline, new Period(r.from(), r.to()), zone, Optional.empty());
    List<StatementRef> keys = ranked.stream().filter(q -> !q.piOnly()).map(q -> new StatementRef(q.target(), q.dbId(), q.queryId())).toList();
    Map<StatementRef, Usage> before = store.usage(plan.periods(), keys);
    return ranked.stream()
        .map(q -> {
          if (q.piOnly()) {
            return q;
          }
          Usage u = before.get(new StatementRef(q.target(), q.dbId(), q.queryId()));
          return q.withBaseline(plan.label(), u == null || u.calls() == 0 ? null : u.meanExecMs());
        })
        .toList();
  }

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
    double windowMs = Math.max(1, window.toMillis());
    Map<String, Double> targetCpu = new HashMap<>();
    List<HotQuery> all = new ArrayList<>(rows.size());
    for (HotQueryRow row : rows) {
      CpuAttribution.Cpu attributed = CpuAttribution.of(row.usage());
      CpuSource source = attributed.source();
      double cpu = attributed.ms();
      targetCpu.merge(row.target(), cpu, Double::sum);
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
              row.dbId()));
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
        .sorted(Comparator.comparingDouble(HotQuery::cpuMs).reversed().thenComparing(HotQuery::totalExecMs, Comparator.reverseOrder()))
        .limit(limit)
        .toList();
  }

}
