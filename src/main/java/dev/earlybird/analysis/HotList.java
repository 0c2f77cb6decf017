package dev.earlybird.analysis;

import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.HotQueryRow;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.TargetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * The hot-query list: statements of a window ranked by CPU, each with its share of its target's CPU. Reads
 * the whole window's rows (not just the top), because shares need the target totals.
 */
public final class HotList {
  private final HistoryStore store;
  private final FleetState fleet;
  private final TenantsConfig tenants;

  public HotList(HistoryStore store, FleetState fleet, TenantsConfig tenants) {
    this.store = store;
    this.fleet = fleet;
    this.tenants = tenants;
  }

  /** What to rank; null filters mean all. */
  public record Request(Instant from, Instant to, String target, String database, String tenant, int limit) {}

  public List<HotQuery> rank(Request r) {
    List<HotQueryRow> rows =
        store.hotQueries(
            new HotQueryFilter(
                r.from(), r.to(), Optional.ofNullable(r.target()), Optional.ofNullable(r.database()), OptionalInt.empty()));
    Predicate<String> trackIo =
        t -> fleet.get(t).map(TargetStatus::trackIoTiming).orElse(false);
    return rank(rows, trackIo, tenants::tenantOf, r.tenant(), r.limit());
  }

  /**
   * Pure ranking: CPU per row from its source, share of its target's CPU (over all the target's rows in the
   * window, before the tenant filter and the limit), ordered by CPU descending.
   */
  static List<HotQuery> rank(
      List<HotQueryRow> rows,
      Predicate<String> trackIoTiming,
      java.util.function.Function<String, String> tenantOf,
      String tenant,
      int limit) {
    Map<String, Double> targetCpu = new HashMap<>();
    List<HotQuery> all = new ArrayList<>(rows.size());
    for (HotQueryRow row : rows) {
      CpuAttribution.Cpu attributed = CpuAttribution.of(row.usage(), trackIoTiming.test(row.target()));
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
              null));
    }
    return all.stream()
        .filter(q -> tenant == null || tenant.equals(q.tenant()))
        .map(q -> withShare(q, targetCpu.getOrDefault(q.target(), 0.0)))
        .sorted(Comparator.comparingDouble(HotQuery::cpuMs).reversed().thenComparing(HotQuery::totalExecMs, Comparator.reverseOrder()))
        .limit(limit)
        .toList();
  }

  private static HotQuery withShare(HotQuery q, double total) {
    double share = total <= 0 ? 0 : 100.0 * q.cpuMs() / total;
    return new HotQuery(q.target(), q.database(), q.tenant(), q.queryId(), q.family(), q.query(), q.calls(),
        q.totalExecMs(), q.meanMs(), q.cpuMs(), q.cpuSource(), share, q.baselineMeanMs());
  }
}
