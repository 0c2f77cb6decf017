package dev.earlybird.web;

import dev.earlybird.analysis.HotList;
import dev.earlybird.analysis.HotQuery;
import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.TargetStatus;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** The JSON API under {@code /api/v1}. Field names are camelCase, times ISO-8601 UTC, queryId a string. */
public final class Api {
  static final int MAX_LIMIT = 1000;

  private final FleetState fleet;
  private final HotList hotList;
  private final TenantsConfig tenants;
  private final InstantSource clock;

  public Api(FleetState fleet, HotList hotList, TenantsConfig tenants, InstantSource clock) {
    this.fleet = fleet;
    this.hotList = hotList;
    this.tenants = tenants;
    this.clock = clock;
  }

  TenantsConfig tenants() {
    return tenants;
  }

  InstantSource clock() {
    return clock;
  }

  /**
   * One target: the contract's fields, then {@code discovered} (found by RDS discovery, not listed under
   * {@code targets:}), its AWS link ({@code null} without one), and whether its data is incomplete: {@code degraded}
   * says why and how to fix it ({@code null} when complete), {@code hiddenStatements} counts the entries its role
   * could not identify.
   */
  record TargetJson(
      String name,
      boolean up,
      Instant lastPollAt,
      String serverVersion,
      int statements,
      String lastError,
      boolean discovered,
      AwsJson aws,
      String degraded,
      int hiddenStatements) {
    static TargetJson of(TargetStatus s, FleetState.Origin origin) {
      return new TargetJson(s.name(), s.up(), s.lastPollAt(), s.serverVersion(), s.statements(), s.lastError(),
          origin.discovered(), origin.aws().map(AwsJson::of).orElse(null), s.degraded(), s.hiddenStatements());
    }
  }

  /** The ids of a target's instance in AWS; endpoints are left out (they are the agent's plumbing). */
  record AwsJson(String region, String dbiResourceId, String dbInstanceIdentifier, String dbClusterIdentifier) {
    static AwsJson of(AwsConfig a) {
      return new AwsJson(a.region(), a.dbiResourceId().orElse(null), a.dbInstanceIdentifier().orElse(null),
          a.dbClusterIdentifier().orElse(null));
    }
  }

  void targets(Context ctx) {
    ctx.json(fleet.all().stream().map(s -> TargetJson.of(s, fleet.origin(s.name()))).toList());
  }

  public record HotQueryJson(
      String target,
      String database,
      String tenant,
      String queryId,
      String family,
      String query,
      long calls,
      double totalExecMs,
      double meanMs,
      double cpuMs,
      String cpuSource,
      double sharePct,
      Double baselineMeanMs,
      long rows,
      double windowSharePct,
      Double changePct,
      String baseline,
      boolean piOnly,
      String piDigest,
      Integer rank) {
    public static HotQueryJson of(HotQuery q) {
      return new HotQueryJson(
          q.target(),
          q.database(),
          q.tenant(),
          q.piOnly() ? null : Long.toString(q.queryId()),
          q.family(),
          q.query(),
          q.calls(),
          round(q.totalExecMs()),
          round(q.meanMs()),
          round(q.cpuMs()),
          q.cpuSource().label(),
          round(q.sharePct()),
          q.baselineMeanMs() == null ? null : round(q.baselineMeanMs()),
          q.rows(),
          round(q.windowSharePct()),
          q.changePct() == null ? null : round(q.changePct()),
          q.baseline(),
          q.piOnly(),
          q.piDigest(),
          q.piOnly() || q.rank() == 0 ? null : q.rank());
    }
  }

  public record HotQueriesJson(Instant from, Instant to, List<HotQueryJson> queries) {
    public static HotQueriesJson of(HotList.Request request, List<HotQuery> ranked) {
      return new HotQueriesJson(request.from(), request.to(), ranked.stream().map(HotQueryJson::of).toList());
    }
  }

  void hotQueries(Context ctx) {
    ctx.json(hotList(ctx));
  }

  /** The hot list the request asks for, as the API serves it (the /hot page shows the same). */
  HotQueriesJson hotList(Context ctx) {
    HotList.Request request = hotRequest(ctx);
    return HotQueriesJson.of(request, hotList.rank(request));
  }

  HotList.Request hotRequest(Context ctx) {
    String tenant = blankToNull(ctx.queryParam("tenant"));
    ZoneId zone = tenant == null ? ZoneOffset.UTC : tenants.settingsFor(tenant).timezone();
    Window w = Window.parse(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("date"), clock.instant(), zone);
    int limit = limit(ctx.queryParam("limit"));
    return new HotList.Request(
        w.from(), w.to(), blankToNull(ctx.queryParam("target")), blankToNull(ctx.queryParam("database")), tenant, limit);
  }

  static int limit(String value) {
    if (value == null || value.isBlank()) {
      return 100;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n < 1 || n > MAX_LIMIT) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Milliseconds to three decimals: enough for humans and dashboards, no float noise in JSON. */
  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
