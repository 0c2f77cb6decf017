package dev.earlybird.web;

import dev.earlybird.analysis.CpuSource;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.FamilyDatabase;
import dev.earlybird.history.FamilyFilter;
import dev.earlybird.history.FamilyFinding;
import dev.earlybird.history.FamilyPoint;
import dev.earlybird.history.FamilyReads;
import dev.earlybird.history.FamilyRow;
import dev.earlybird.history.StatementReads;
import dev.earlybird.history.TargetRecord;
import dev.earlybird.model.Period;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The fleet view of statement families (the same SQL across databases): {@code GET /api/v1/families} (families by
 * CPU, with the per-call spread across databases) and {@code GET /api/v1/families/{family}} (every database running
 * one, ranked by per-call cost), and the data of their pages ({@link FamilyPages}).
 */
public final class FamiliesApi {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  /** Databases whose series the family's chart draws against the median. */
  static final int CHARTED = 5;
  private static final Pattern FAMILY = Pattern.compile("[0-9A-Za-z_-]{1,64}");

  private final StatementReads store;
  private final TenantsConfig tenants;
  private final InstantSource clock;
  private final FamilyPages pages;

  public FamiliesApi(StatementReads store, TenantsConfig tenants, InstantSource clock) {
    this.store = store;
    this.tenants = tenants;
    this.clock = clock;
    this.pages = new FamilyPages(this);
  }

  FamilyPages pages() {
    return pages;
  }

  /**
   * @param ratio the database's per-call mean over the family's median across databases; null when the median is 0
   */
  public record WorstJson(String target, String database, String tenant, String queryId, double meanMs, Double ratio) {
    static WorstJson of(FamilyDatabase d, double medianMs) {
      return new WorstJson(d.target(), d.database(), d.tenant(), Long.toString(d.queryId()), Api.round(d.meanMs()),
          FamiliesApi.ratio(d.meanMs(), medianMs));
    }
  }

  /**
   * One family over the window.
   *
   * @param cpuSource the least direct CPU layer any of its statements used
   * @param baselineMeanMs the fleet's per-call mean of the family in the preceding period of the same length; null
   *     when it did not run then
   * @param change the fleet's per-call mean now over {@code baselineMeanMs}; null without a baseline
   * @param findings active findings about its statements, by kind
   */
  public record FamilyJson(
      String family, String query, double cpuMs, String cpuSource, long calls, double totalExecMs, int databases,
      int tenants, double medianMs, double p90Ms, double worstMs, List<WorstJson> worst, Double baselineMeanMs,
      Double change, Map<String, Integer> findings) {
    static FamilyJson of(FamilyRow r, Double baselineMeanMs, Map<String, Integer> findings) {
      double mean = r.calls() == 0 ? 0 : r.execMs() / r.calls();
      return new FamilyJson(r.family(), r.query(), r.cpuUs() / 1000.0, CpuSource.values()[r.cpuSource()].label(),
          r.calls(), Api.round(r.execMs()), r.databases(), r.tenants(), Api.round(r.medianMs()), Api.round(r.p90Ms()),
          Api.round(r.worstMs()), r.worst().stream().map(d -> WorstJson.of(d, r.medianMs())).toList(),
          baselineMeanMs == null ? null : Api.round(baselineMeanMs),
          baselineMeanMs == null ? null : FamiliesApi.ratio(mean, baselineMeanMs), findings);
    }
  }

  /** @param nextCursor pass as {@code cursor} for the next page; null on the last page */
  public record FamiliesJson(Instant from, Instant to, List<FamilyJson> families, String nextCursor) {}

  /** The parsed request: window, filters, page. */
  record Request(FamilyFilter filter, int limit, Optional<FamilyReads.After> after) {}

  void list(Context ctx) {
    ctx.json(families(ctx));
  }

  FamiliesJson families(Context ctx) {
    Request r = request(ctx);
    FamilyReads reads = store.families();
    FamilyFilter f = r.filter();
    FamilyReads.Page page = reads.page(f, r.after(), r.limit());
    List<String> names = page.rows().stream().map(FamilyRow::family).toList();
    Map<String, Double> before = reads.fleetMeans(f.over(preceding(f.window())), names);
    Map<String, Map<String, Integer>> findings = reads.activeFindings(names, f.target(), f.tenant());
    List<FamilyJson> out = page.rows().stream()
        .map(row -> FamilyJson.of(row, before.get(row.family()), findings.getOrDefault(row.family(), Map.of())))
        .toList();
    String next = null;
    if (page.more()) {
      FamilyRow last = page.rows().getLast();
      next = new FamilyCursor(f.window().from(), f.window().to(), new FamilyReads.After(last.cpuUs(), last.family()))
          .encode();
    }
    return new FamiliesJson(f.window().from(), f.window().to(), out, next);
  }

  /** The period of the same length just before the window. */
  static Period preceding(Period window) {
    return new Period(window.from().minus(window.length()), window.from());
  }

  Request request(Context ctx) {
    Optional<String> tenant = param(ctx, "tenant");
    Optional<String> target = param(ctx, "target");
    int limit = limit(ctx.queryParam("limit"));
    Optional<FamilyCursor> cursor = param(ctx, "cursor").map(FamilyCursor::decode);
    Optional<String> from = param(ctx, "from"), to = param(ctx, "to"), date = param(ctx, "date");
    Window w;
    if (cursor.isPresent() && from.isEmpty() && to.isEmpty() && date.isEmpty()) {
      w = new Window(cursor.get().from(), cursor.get().to()); // the window the first page was read over
    } else {
      w = window(ctx, tenant);
      if (cursor.isPresent() && !(cursor.get().from().equals(w.from()) && cursor.get().to().equals(w.to()))) {
        throw new BadRequest("'cursor' belongs to the window " + cursor.get().from() + " .. " + cursor.get().to()
            + ", not " + w.from() + " .. " + w.to() + "; leave out from/to/date to keep paging it, or the cursor"
            + " to start again");
      }
    }
    return new Request(new FamilyFilter(new Period(w.from(), w.to()), target, tenant, tenants::tenantOf), limit,
        cursor.map(FamilyCursor::after));
  }

  /** The window of {@code from}/{@code to}/{@code date}; a date is a day in the tenant's zone when there is one. */
  private Window window(Context ctx, Optional<String> tenant) {
    ZoneId zone = tenant.map(t -> tenants.settingsFor(t).timezone()).orElse(ZoneOffset.UTC);
    return Window.parse(param(ctx, "from").orElse(null), param(ctx, "to").orElse(null),
        param(ctx, "date").orElse(null), clock.instant(), zone);
  }

  static int limit(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new BadRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
  }

  // --- one family ---

  /** An active finding about the family's statement in a database. */
  public record FindingRefJson(String id, String kind, String severity, String summary) {
    static FindingRefJson of(FamilyFinding f) {
      return new FindingRefJson(f.id(), f.kind(), f.severity(), f.summary());
    }
  }

  /**
   * A database running the family.
   *
   * @param ratio its per-call mean over the fleet's median; null when the median is 0
   * @param link the page of its statement, under web.basePath; null when the database is not known by name
   */
  public record DatabaseJson(
      String target, String database, String tenant, String queryId, long calls, double totalExecMs, double cpuMs,
      double meanMs, Double ratio, List<FindingRefJson> findings, String link) {}

  /** One point of a series: the per-call mean over {@code (start, end]}; for the median, calls = databases. */
  public record PointJson(Instant start, Instant end, double meanMs, long calls) {
    static PointJson of(FamilyPoint p) {
      return new PointJson(p.start(), p.end(), Api.round(p.meanMs()), p.calls());
    }
  }

  public record SeriesJson(String target, String database, String tenant, List<PointJson> points) {}

  /**
   * Per-call mean over time of the worst databases against the fleet's median.
   *
   * @param bucket {@code hour} or {@code day} (UTC)
   * @param median per bucket, the median over the databases that ran the family then ({@code calls} = how many)
   */
  public record ChartJson(String bucket, List<PointJson> median, List<SeriesJson> worst) {}

  public record FamilyDetailJson(
      String family, String query, Instant from, Instant to, double cpuMs, String cpuSource, long calls,
      double totalExecMs, int tenants, double medianMs, double p90Ms, double worstMs, List<DatabaseJson> databases,
      ChartJson chart) {}

  void get(Context ctx) {
    ctx.json(detail(ctx));
  }

  FamilyDetailJson detail(Context ctx) {
    String family = ctx.pathParam("family");
    if (!FAMILY.matcher(family).matches()) {
      throw new BadRequest("'family' must be a family id as /api/v1/families lists it (16 hex digits), got '"
          + family + "'");
    }
    FamilyFilter f = request(ctx).filter();
    FamilyReads reads = store.families();
    Optional<String> text = reads.text(family);
    if (text.isEmpty()) {
      throw new NotFoundResponse("no statement family '" + family + "' is known; /api/v1/families lists them");
    }
    Optional<FamilyRow> summary = reads.summary(f, family);
    List<FamilyDatabase> dbs = reads.databases(f, family);
    Map<String, List<FindingRefJson>> findings = reads.findings(family).stream()
        .collect(Collectors.groupingBy(x -> x.target() + "/" + x.dbId(), LinkedHashMap::new,
            Collectors.mapping(FindingRefJson::of, Collectors.toList())));
    double median = summary.map(FamilyRow::medianMs).orElse(0.0);
    List<DatabaseJson> databases = dbs.stream().map(d -> new DatabaseJson(d.target(), d.database(), d.tenant(),
            Long.toString(d.queryId()), d.calls(), Api.round(d.execMs()), Api.round(d.cpuMs()), Api.round(d.meanMs()),
            ratio(d.meanMs(), median), findings.getOrDefault(d.target() + "/" + d.dbId(), List.of()),
            d.database() == null ? null : Links.base(ctx) + Links.query(d.target(), d.database(), d.queryId())))
        .toList();
    return new FamilyDetailJson(family, summary.map(FamilyRow::query).orElse(text.get()), f.window().from(),
        f.window().to(), summary.map(r -> r.cpuUs() / 1000.0).orElse(0.0),
        summary.map(r -> CpuSource.values()[r.cpuSource()].label()).orElse(null),
        summary.map(FamilyRow::calls).orElse(0L), Api.round(summary.map(FamilyRow::execMs).orElse(0.0)),
        summary.map(FamilyRow::tenants).orElse(0), Api.round(median),
        Api.round(summary.map(FamilyRow::p90Ms).orElse(0.0)), Api.round(summary.map(FamilyRow::worstMs).orElse(0.0)),
        databases, chart(reads, f, family, dbs));
  }

  private static ChartJson chart(FamilyReads reads, FamilyFilter f, String family, List<FamilyDatabase> dbs) {
    return chart(reads, f, family, dbs.subList(0, Math.min(CHARTED, dbs.size())), dbs.isEmpty());
  }

  /**
   * The fleet's median per bucket and the series of the {@code charted} databases (hourly up to 7 days, then daily);
   * nothing when {@code none} ran the family.
   */
  static ChartJson chart(FamilyReads reads, FamilyFilter f, String family, List<FamilyDatabase> charted,
      boolean none) {
    boolean daily = f.window().length().compareTo(Duration.ofDays(7)) > 0;
    List<FamilyPoint> points = none ? List.of()
        : reads.series(f, family, charted, daily ? Duration.ofDays(1) : Duration.ofHours(1));
    List<PointJson> median = points.stream().filter(FamilyPoint::median).map(PointJson::of).toList();
    List<SeriesJson> worst = new ArrayList<>();
    for (FamilyDatabase d : charted) {
      worst.add(new SeriesJson(d.target(), d.database(), d.tenant(), points.stream()
          .filter(p -> !p.median() && p.target().equals(d.target()) && p.dbId() == d.dbId())
          .map(PointJson::of).toList()));
    }
    return new ChartJson(daily ? "day" : "hour", median, worst);
  }

  /** The targets known to the store, for the pages' filter. */
  List<String> targets() {
    return store.targets().stream().map(TargetRecord::name).toList();
  }

  static Double ratio(double value, double over) {
    return over > 0 ? Math.round(value / over * 100.0) / 100.0 : null;
  }

  private static Optional<String> param(Context ctx, String name) {
    return FindingsApi.param(ctx, name);
  }
}
