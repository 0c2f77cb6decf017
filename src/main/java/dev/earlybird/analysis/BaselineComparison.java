package dev.earlybird.analysis;

import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.BaselineException;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.PinnedBaseline;
import dev.earlybird.model.PerCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A pinned baseline against a window: per statement, before and after mean, calls and CPU, the worst changes
 * first (by the extra time the change of per-call cost made in the window), then statements that are gone.
 */
public final class BaselineComparison {
  private final HistoryStore store;
  private final TenantsConfig tenants;

  public BaselineComparison(HistoryStore store, TenantsConfig tenants) {
    this.store = store;
    this.tenants = tenants;
  }

  public record Result(PinnedBaseline baseline, Instant from, Instant to, List<StatementChange> changes) {}

  /** Which statements to compare: the statement's target, database and tenant, when given. */
  record Filter(String target, String database, String tenant) {
    boolean accepts(String target, String database, String tenant) {
      return (this.target == null || this.target.equals(target))
          && (this.database == null || this.database.equals(database))
          && (this.tenant == null || this.tenant.equals(tenant));
    }
  }

  /**
   * Compares the baseline {@code name} with the request's window (and filters). A baseline of one target is
   * compared with that target only.
   *
   * @throws BaselineException NOT_FOUND when there is no such baseline
   */
  public Result compare(String name, HotList.Request after) {
    PinnedBaseline baseline = store.baseline(name).orElseThrow(() -> BaselineException.notFound(name));
    String target = after.target() != null ? after.target() : baseline.target().orElse(null);
    List<HotQueryRow> afterRows = store.hotQueries(new HotQueryFilter(
        after.from(), after.to(), Optional.ofNullable(target), Optional.ofNullable(after.database()), OptionalInt.empty()));
    List<StatementChange> changes = compare(store.baselineStatements(name), afterRows, this::tenantOf,
        new Filter(target, after.database(), after.tenant()), after.limit());
    return new Result(baseline, after.from(), after.to(), changes);
  }

  private String tenantOf(String database) {
    return database == null ? null : tenants.tenantOf(database);
  }

  private record Key(String target, long dbId, long queryId) {
    static Key of(HotQueryRow r) {
      return new Key(r.target(), r.dbId(), r.queryId());
    }
  }

  /** Pure: pairs the rows by (target, dbId, queryId), filters, orders worst first, keeps {@code limit}. */
  static List<StatementChange> compare(
      List<HotQueryRow> before,
      List<HotQueryRow> after,
      Function<String, String> tenantOf,
      Filter filter,
      int limit) {
    Map<Key, HotQueryRow> beforeByKey = new LinkedHashMap<>();
    before.forEach(r -> beforeByKey.put(Key.of(r), r));
    List<StatementChange> out = new ArrayList<>();
    for (HotQueryRow a : after) {
      add(out, beforeByKey.remove(Key.of(a)), a, tenantOf, filter);
    }
    for (HotQueryRow b : beforeByKey.values()) {
      add(out, b, null, tenantOf, filter);
    }
    return out.stream().sorted(WORST_FIRST).limit(limit).toList();
  }

  private static void add(
      List<StatementChange> out, HotQueryRow b, HotQueryRow a, Function<String, String> tenantOf, Filter filter) {
    HotQueryRow any = a != null ? a : b;
    String database = known(a, b, HotQueryRow::database);
    String tenant = tenantOf.apply(database);
    if (!filter.accepts(any.target(), database, tenant)) {
      return;
    }
    // One layer for both sides, so before and after compare like with like: the best both sides have.
    CpuSource source = CpuChoice.common(b == null ? null : b.usage(), a == null ? null : a.usage());
    Double beforeMean = b == null ? null : PerCall.mean(b.calls(), b.execMs());
    Double afterMean = a == null ? null : PerCall.mean(a.calls(), a.execMs());
    StatementChange.Status status =
        b == null ? StatementChange.Status.NEW : a == null ? StatementChange.Status.GONE : StatementChange.Status.BOTH;
    Double ratio = beforeMean != null && afterMean != null && beforeMean > 0 ? afterMean / beforeMean : null;
    Double extra = switch (status) {
      case BOTH -> (afterMean - beforeMean) * a.calls();
      case NEW -> a.execMs();
      case GONE -> null;
    };
    out.add(new StatementChange(
        any.target(), database, tenant, any.queryId(),
        known(a, b, HotQueryRow::family), known(a, b, HotQueryRow::query),
        status, b == null ? 0 : b.calls(), a == null ? 0 : a.calls(), beforeMean, afterMean,
        b == null ? 0 : CpuChoice.cpuMs(b.usage(), source), a == null ? 0 : CpuChoice.cpuMs(a.usage(), source),
        source, ratio, extra, status == StatementChange.Status.BOTH ? pValue(b, a) : null));
  }

  /** Welch's test in the direction the mean moved, from the sums both sides keep. */
  private static double pValue(HotQueryRow before, HotQueryRow after) {
    Welch.Sample b = sample(before);
    Welch.Sample a = sample(after);
    return (a.mean() >= b.mean() ? Welch.greater(b, a) : Welch.greater(a, b)).pValue();
  }

  private static Welch.Sample sample(HotQueryRow r) {
    return new Welch.Sample(r.calls(), PerCall.mean(r.calls(), r.execMs()),
        PerCall.variance(r.calls(), r.execMs(), r.usage().execSumSquaresMs()));
  }

  /** Names and texts as known now (after), else as the baseline had them; null when neither knows. */
  private static String known(HotQueryRow after, HotQueryRow before, Function<HotQueryRow, String> field) {
    String now = after == null ? null : field.apply(after);
    return now != null || before == null ? now : field.apply(before);
  }

  /** Changes by extra time, largest first; statements that are gone last, the ones that cost most first. */
  private static final Comparator<StatementChange> WORST_FIRST =
      Comparator.comparing((StatementChange c) -> c.status() == StatementChange.Status.GONE)
          .thenComparing(c -> c.extraMs() != null ? c.extraMs() : c.beforeMeanMs() * c.beforeCalls(), Comparator.reverseOrder())
          .thenComparing(StatementChange::target)
          .thenComparing(StatementChange::queryId);
}
