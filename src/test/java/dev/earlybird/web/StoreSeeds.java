package dev.earlybird.web;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.history.PollRecord;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Seeding a real store through its own write paths, and reading the server's JSON, for the web's route tests. */
final class StoreSeeds {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreSeeds() {}

  /** One poll interval of a minute ending at {@code end}, with a pg_stat_kcache CPU time of half the execution. */
  static StatementInterval interval(String target, long dbId, long queryId, Instant end, long calls, double execMs) {
    return new StatementInterval(new StatementKey(target, dbId, 10, queryId, true), end.minusSeconds(60), end,
            CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.EXEC_SUMSQ_MS, execMs * execMs / calls)
            .with(Counter.ROWS, calls), OptionalDouble.of(execMs / 2));
  }

  static void poll(HistoryStore store, String target, Instant at, List<StatementInterval> intervals) {
    store.recordPoll(PollRecord.success(new Snapshot(target, at, Optional.empty(), OptionalLong.empty(), Map.of()),
        intervals, true));
  }

  /** A GET that must answer 200, as JSON. */
  static JsonNode getJson(WebServer web, String path) throws Exception {
    HttpResponse<String> r = WebServerTest.send(web, "GET", path, null, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The agent's web server with the families view and no alerting, over {@code store}, on a free port. */
  static WebServer serve(JdbcHistoryStore store, HistoryWriter writer, TenantsConfig tenants, InstantSource clock,
      FleetState fleet, Api api) {
    BaselineApi baselines = new BaselineApi(api, store, writer, new BaselineComparison(store, tenants), Optional.empty());
    FindingsApi findings = new FindingsApi(store);
    QueriesApi queries = new QueriesApi(store, tenants, clock);
    var handlers = new WebServer.Handlers(api, findings, queries, baselines,
        new Pages(fleet, api, baselines, findings, queries), null, new FamiliesApi(store, tenants, clock));
    return new WebServer(() -> handlers, new AgentMetrics("test"), new Readiness(store.health()), Reloader.NONE)
        .start("127.0.0.1", 0);
  }
}
