package dev.earlybird;

import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.cli.ReportFailure;
import dev.earlybird.cli.ReportQuery;
import dev.earlybird.cli.ReportSource;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.BaselineException;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.HistoryException;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.PostgresHistoryStore;
import dev.earlybird.web.Api;
import dev.earlybird.web.BaselineJson;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The history store file itself as a {@link ReportSource}, for the command line while no agent holds it:
 * the same hot list and comparison the agent serves, wired here like {@link Agent} wires them.
 */
public final class StoreReports implements ReportSource {
  private final JdbcHistoryStore store;
  private final TenantsConfig tenants;
  private final BaselineConfig baseline;

  private StoreReports(JdbcHistoryStore store, TenantsConfig tenants, BaselineConfig baseline) {
    this.store = store;
    this.tenants = tenants;
    this.baseline = baseline;
  }

  /**
   * Opens the store read-only, or read-write for pinning and deleting.
   *
   * @throws dev.earlybird.history.StoreInUseException when another process (the agent) holds the file
   */
  public static StoreReports open(Path file, boolean write, TenantsConfig tenants, BaselineConfig baseline) {
    return new StoreReports(
        write ? DuckDbHistoryStore.open(file) : DuckDbHistoryStore.openReadOnly(file), tenants, baseline);
  }

  /** Opens a shared PostgreSQL store for reading only, next to the agent that writes it. */
  public static StoreReports openPostgres(String url, String where, TenantsConfig tenants, BaselineConfig baseline) {
    return new StoreReports(PostgresHistoryStore.openReadOnly(url, where), tenants, baseline);
  }

  @Override
  public Api.HotQueriesJson hotQueries(ReportQuery q) throws ReportFailure {
    return call(() -> {
      HotList.Request request = request(q);
      HotList hotList = new HotList(store, tenants, baseline);
      return Api.HotQueriesJson.of(request, hotList.rank(request));
    });
  }

  @Override
  public BaselineJson.Comparison compare(String baseline, ReportQuery q) throws ReportFailure {
    return call(() -> {
      return BaselineJson.Comparison.of(new BaselineComparison(store, tenants).compare(baseline, request(q)));
    });
  }

  @Override
  public List<BaselineJson.Baseline> baselines() throws ReportFailure {
    return call(() -> store.baselines().stream().map(BaselineJson.Baseline::of).toList());
  }

  @Override
  public BaselineJson.Baseline pin(String name, Optional<String> target, Instant from, Instant to)
      throws ReportFailure {
    return call(() -> BaselineJson.Baseline.of(store.pinBaseline(name, target, from, to)));
  }

  @Override
  public void delete(String name) throws ReportFailure {
    call(() -> {
      store.deleteBaseline(name);
      return name;
    });
  }

  @Override
  public void close() {
    store.close();
  }

  private static HotList.Request request(ReportQuery q) {
    return new HotList.Request(q.from(), q.to(), q.target(), q.database(), q.tenant(), q.limit());
  }

  /** Refusals of the store are usage errors (exit 2), other store failures runtime errors (exit 1). */
  private static <T> T call(Supplier<T> work) throws ReportFailure {
    try {
      return work.get();
    } catch (BaselineException e) {
      throw new ReportFailure(ReportFailure.USAGE, e.getMessage());
    } catch (HistoryException e) {
      throw new ReportFailure(ReportFailure.RUNTIME, e.getMessage());
    }
  }
}
