package dev.earlybird.web;

import dev.earlybird.analysis.HotList;
import dev.earlybird.analysis.HotQuery;
import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.TargetStatus;
import io.javalin.http.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/** The JSON API under {@code /api/v1}. Field names are camelCase, times ISO-8601 UTC, queryId a string. */
public final class Api {
  static final int MAX_LIMIT = 1000;

  private final FleetState fleet;
  private final HotList hotList;
  private final TenantsConfig tenants;
  private final InstantSource clock;

  private final Function<String, List<DatabaseInfo>> databases;

  /** Without the store's databases: the hot page offers the tenants the config names. */
  public Api(FleetState fleet, HotList hotList, TenantsConfig tenants, InstantSource clock) {
    this(fleet, hotList, tenants, clock, target -> List.of());
  }

  /** @param databases a target's databases as the store knows them (the tenants the hot page offers) */
  public Api(FleetState fleet, HotList hotList, TenantsConfig tenants, InstantSource clock,
      Function<String, List<DatabaseInfo>> databases) {
    this.fleet = fleet;
    this.hotList = hotList;
    this.tenants = tenants;
    this.clock = clock;
    this.databases = databases;
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
   * could not identify; {@code owner} names the agent that polls it (several replicas may share a store), {@code null}
   * while none does.
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
      int hiddenStatements,
      String owner) {
    static TargetJson of(TargetStatus s, FleetState.Origin origin, Optional<String> owner) {
      return new TargetJson(s.name(), s.up(), s.lastPollAt(), s.serverVersion(), s.statements(), s.lastError(),
          origin.discovered(), origin.aws().map(AwsJson::of).orElse(null), s.degraded(), s.hiddenStatements(),
          owner.orElse(null));
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
    ctx.json(fleet.all().stream().map(s -> TargetJson.of(s, fleet.origin(s.name()), fleet.owner(s.name()))).toList());
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

  /**
   * @param nextCursor pass as {@code cursor} for the next page of the same window, filters and sort; null on the last
   *     page (and from the command line, which reads the store in one go)
   */
  public record HotQueriesJson(Instant from, Instant to, List<HotQueryJson> queries, String nextCursor) {
    public static HotQueriesJson of(HotList.Request request, List<HotQuery> ranked) {
      return new HotQueriesJson(request.from(), request.to(), ranked.stream().map(HotQueryJson::of).toList(), null);
    }
  }

  /**
   * One page of the hot list.
   *
   * @param offset how many rows of the sorted list come before this page
   * @param cursor the cursor this page was asked with; null on a first page
   */
  record HotSlice(HotList.Request request, HotOrder order, int offset, List<HotQuery> rows, String nextCursor,
      HotCursor cursor) {
    HotQueriesJson json() {
      return new HotQueriesJson(request.from(), request.to(), rows.stream().map(HotQueryJson::of).toList(), nextCursor);
    }
  }

  void hotQueries(Context ctx) {
    String format = blankToNull(ctx.queryParam("format"));
    if (format != null && !format.equals("json") && !format.equals("csv")) {
      throw new BadRequest("'format' must be json or csv, got '" + format + "'");
    }
    HotSlice page = hotSlice(ctx, limit(ctx.queryParam("limit")));
    if (!"csv".equals(format)) {
      ctx.json(page.json());
      return;
    }
    // A download of exactly the rows asked for (the /hot page links here with its window, filters, sort and page).
    String name = "hot-queries-" + fileTime(page.request().from()) + "-" + fileTime(page.request().to()) + ".csv";
    ctx.contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    StringWriter out = new StringWriter();
    CsvWriter.write(new PrintWriter(out), HotQueryJson.class, page.json().queries());
    ctx.result(out.toString());
  }

  private static String fileTime(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "").replace("-", "");
  }

  /**
   * The page of the hot list the request asks for: the {@value #MAX_LIMIT} statements heaviest by CPU in the window,
   * sorted as asked, {@code limit} rows after the cursor's. In the default order only as many rows are ranked as
   * the page needs, which gives the same rows (the ranking is deterministic).
   */
  HotSlice hotSlice(Context ctx, int limit) {
    String tenant = blankToNull(ctx.queryParam("tenant"));
    HotCursor cursor = blankToNull(ctx.queryParam("cursor")) == null ? null : HotCursor.decode(ctx.queryParam("cursor"));
    HotOrder order = HotOrder.parse(ctx.queryParam("sort"), ctx.queryParam("order"));
    Window w;
    boolean windowGiven = Stream.of("range", "from", "to", "date").anyMatch(p -> blankToNull(ctx.queryParam(p)) != null);
    if (cursor != null) {
      if (!windowGiven) {
        w = new Window(cursor.from(), cursor.to()); // the window the first page was read over
      } else {
        w = window(ctx, tenant);
        if (!w.equals(new Window(cursor.from(), cursor.to()))) {
          throw new BadRequest("'cursor' belongs to the window " + cursor.from() + " .. " + cursor.to() + ", not "
              + w.from() + " .. " + w.to() + "; leave out range/from/to/date to keep paging it, or the cursor to start"
              + " again");
        }
      }
      boolean sortGiven = blankToNull(ctx.queryParam("sort")) != null || blankToNull(ctx.queryParam("order")) != null;
      if (!sortGiven) {
        order = cursor.order();
      } else if (!order.equals(cursor.order())) {
        throw new BadRequest("'cursor' belongs to sort=" + cursor.order().column().param + "&order="
            + cursor.order().order() + "; leave out sort/order to keep paging it, or the cursor to start again");
      }
    } else {
      w = window(ctx, tenant);
    }
    int offset = cursor == null ? 0 : cursor.offset();
    int ranked = order.isDefault() ? (int) Math.min(MAX_LIMIT, (long) offset + limit + 1) : MAX_LIMIT;
    HotList.Request request = new HotList.Request(w.from(), w.to(), blankToNull(ctx.queryParam("target")),
        blankToNull(ctx.queryParam("database")), tenant, ranked);
    List<HotQuery> all = hotList.rank(request);
    if (!order.isDefault()) {
      all = all.stream().sorted(order.comparator()).toList();
    }
    int end = (int) Math.min(all.size(), (long) offset + limit);
    List<HotQuery> rows = offset >= all.size() ? List.of() : all.subList(offset, end);
    String next = all.size() > end ? new HotCursor(w.from(), w.to(), order, end).encode() : null;
    return new HotSlice(request, order, offset, rows, next, cursor);
  }

  /** The hot list's window ({@link HotRange}); a date or local time is read in the tenant's zone, else in UTC. */
  Window window(Context ctx, String tenant) {
    return HotRange.parse(blankToNull(ctx.queryParam("range")), blankToNull(ctx.queryParam("from")),
        blankToNull(ctx.queryParam("to")), blankToNull(ctx.queryParam("date")), clock.instant(), zone(tenant));
  }

  ZoneId zone(String tenant) {
    return tenant == null ? ZoneOffset.UTC : tenants.settingsFor(tenant).timezone();
  }

  HotList.Request hotRequest(Context ctx) {
    String tenant = blankToNull(ctx.queryParam("tenant"));
    Window w = window(ctx, tenant);
    int limit = limit(ctx.queryParam("limit"));
    return new HotList.Request(
        w.from(), w.to(), blankToNull(ctx.queryParam("target")), blankToNull(ctx.queryParam("database")), tenant, limit);
  }

  /**
   * The tenants to choose from: those the config names, and those of every database the store knows on the fleet's
   * targets, A to Z.
   */
  List<String> tenantNames() {
    TreeSet<String> names = new TreeSet<>(tenants.overrides().keySet());
    for (TargetStatus t : fleet.all()) {
      for (DatabaseInfo db : databases.apply(t.name())) {
        String tenant = tenants.tenantOf(db.name());
        if (tenant != null) {
          names.add(tenant);
        }
      }
    }
    return List.copyOf(names);
  }

  List<String> targetNames() {
    return fleet.all().stream().map(TargetStatus::name).toList();
  }

  static int limit(String value) {
    return limit(value, 100);
  }

  /** @param absent the limit when none is given */
  static int limit(String value, int absent) {
    if (value == null || value.isBlank()) {
      return absent;
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
