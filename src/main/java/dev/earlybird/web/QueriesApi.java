package dev.earlybird.web;

import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.SeriesPoint;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.StatementText;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.earlybird.history.PiStatementWaits;
import dev.earlybird.history.StatementRef;
import dev.earlybird.model.Period;

/** One statement: its text and its interval series ({@code /api/v1/queries/...} and the query page). */
public final class QueriesApi {
  private final HistoryStore store;
  private final TenantsConfig tenants;
  private final InstantSource clock;
  /** Null: no advisor store (no plans shown). */
  private final PlansApi plans;

  public QueriesApi(HistoryStore store, TenantsConfig tenants, InstantSource clock) {
    this(store, tenants, clock, null);
  }

  public QueriesApi(HistoryStore store, TenantsConfig tenants, InstantSource clock, PlansApi plans) {
    this.store = store;
    this.tenants = tenants;
    this.clock = clock;
    this.plans = plans;
  }

  public record PointJson(
      Instant start, Instant end, String resolution, long calls, double totalExecMs, double meanMs, double stddevMs,
      double ioMs, double cpuEstimateMs, long rows, long sharedBlksHit, long sharedBlksRead, long tempBlksWritten) {
    static PointJson of(SeriesPoint p) {
      var u = p.usage();
      return new PointJson(p.start(), p.end(), p.resolution().name().toLowerCase(java.util.Locale.ROOT), u.calls(),
          Api.round(u.execMs()), Api.round(u.meanExecMs()), Api.round(Math.sqrt(u.execVarianceMs2())),
          Api.round(u.ioMs()), Api.round(cpuEstimateMs(u)), u.rows(), u.sums().sharedBlksHit(), u.sums().sharedBlksRead(),
          u.sums().tempBlksWritten());
    }

    /** Execution minus IO time where the whole point was polled with track_io_timing on, else execution time. */
    private static double cpuEstimateMs(dev.earlybird.history.Usage u) {
      return u.ioTimed() ? u.execMinusIoMs() : u.execMs();
    }
  }

  /**
   * @param baseline the band under the per-call time, from the series itself (see {@link BaselineBand})
   * @param siblings the same statement in the fleet's other databases over the window; null when its family is not
   *     known (no text stored yet) or ran nowhere in the window
   */
  public record QueryJson(
      String target, String database, String tenant, String queryId, String family, String query, boolean truncated,
      Instant from, Instant to, List<PointJson> series, List<FindingsApi.FindingJson> findings,
      PerformanceInsightsJson performanceInsights, PlansApi.PlansJson plans, List<BaselineBand.BandJson> baseline,
      Siblings.SiblingsJson siblings) {}

  /**
   * Performance Insights' view of the statement over the window; null when PI has nothing for it (not an AWS
   * target, or never in PI's top digests).
   *
   * @param waitMs session time by wait event type ({@code CPU}, {@code IO}, {@code Lock}, ...), in ms
   * @param joinedBy how PI's digests were matched to this statement: {@code queryid} or {@code text}
   * @param timeline the same waits per PI window, oldest first
   */
  public record PerformanceInsightsJson(List<String> digests, List<String> joinedBy, int windows, double loadMs,
      double cpuMs, Map<String, Double> waitMs, List<PiPointJson> timeline) {
    static PerformanceInsightsJson of(PiStatementWaits w) {
      return new PerformanceInsightsJson(w.digests(), w.methods(), w.windows(), Api.round(w.loadMs()),
          Api.round(w.cpuMs()), rounded(w.waitMs()),
          w.timeline().stream().map(p -> new PiPointJson(p.start(), p.end(), rounded(p.waitMs()))).toList());
    }

    private static Map<String, Double> rounded(Map<String, Double> waitMs) {
      Map<String, Double> waits = new java.util.TreeMap<>();
      waitMs.forEach((k, v) -> waits.put(k, Api.round(v)));
      return waits;
    }
  }

  /** One PI window's session time of the statement by wait event type, in ms. */
  public record PiPointJson(Instant start, Instant end, Map<String, Double> waitMs) {}

  /**
   * {@code GET /api/v1/targets/{target}/load}: Performance Insights' view of a target over a window, its load per
   * wait event type over time and per database. Empty lists for a target PI does not cover.
   */
  public record TargetLoadJson(String target, Instant from, Instant to, List<LoadPointJson> timeline,
      List<DatabaseLoadJson> databases) {}

  /** Average active sessions in one wait event type ("all" = every type) over the PI period ending {@code at}. */
  public record LoadPointJson(Instant at, String waitType, double averageActiveSessions) {}

  public record DatabaseLoadJson(String database, String tenant, double loadMs, double cpuMs, Map<String, Double> waitMs) {}

  void targetLoad(Context ctx) {
    String target = ctx.pathParam("target");
    Window w = Window.parse(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("date"), clock.instant(),
        ZoneOffset.UTC);
    Period period = new Period(w.from(), w.to());
    var timeline = store.piTimeline(target, period).stream()
        .map(p -> new LoadPointJson(p.at(), p.waitType().isEmpty() ? "all" : p.waitType(),
            Api.round(p.averageActiveSessions())))
        .toList();
    var databases = store.piDatabases(target, period).stream()
        .map(d -> {
          Map<String, Double> waits = new java.util.TreeMap<>();
          d.waitMs().forEach((k, v) -> waits.put(k, Api.round(v)));
          return new DatabaseLoadJson(d.database(), tenants.tenantOf(d.database()), Api.round(d.loadMs()),
              Api.round(d.waitMs().getOrDefault("CPU", 0.0)), waits);
        })
        .toList();
    ctx.json(new TargetLoadJson(target, w.from(), w.to(), timeline, databases));
  }

  void get(Context ctx) {
    ctx.json(load(ctx));
  }

  QueryJson load(Context ctx) {
    String target = ctx.pathParam("target");
    String database = ctx.pathParam("database");
    long queryId = queryId(ctx);
    Optional<DatabaseInfo> db = store.databases(target).stream().filter(d -> d.name().equals(database)).findFirst();
    if (db.isEmpty()) {
      throw new NotFoundResponse("no database '" + database + "' is known on target '" + target + "'");
    }
    long dbId = db.get().oid();
    Window w = Window.parse(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("date"), clock.instant(),
        ZoneOffset.UTC);
    Optional<StatementText> text = store.text(target, dbId, queryId);
    List<PointJson> series =
        store.querySeries(target, dbId, queryId, w.from(), w.to()).stream().map(PointJson::of).toList();
    var findings = store.findings(new FindingFilter(Optional.empty(), Optional.empty(), Optional.of(target),
            Optional.empty(), 1000)).stream()
        .filter(r -> r.finding().dbId() == dbId && r.finding().queryId() == queryId)
        .map(r -> FindingsApi.FindingJson.of(r, plans))
        .toList();
    if (text.isEmpty() && series.isEmpty() && findings.isEmpty()) {
      throw new NotFoundResponse("no statement with queryid " + queryId + " in " + target + "/" + database
          + " between " + w.from() + " and " + w.to());
    }
    return new QueryJson(target, database, tenants.tenantOf(database), Long.toString(queryId),
        text.map(StatementText::family).orElse(null), text.map(StatementText::text).orElse(null),
        text.map(StatementText::truncated).orElse(false), w.from(), w.to(), series, findings,
        store.piWaits(new StatementRef(target, dbId, queryId), new Period(w.from(), w.to()))
            .map(PerformanceInsightsJson::of).orElse(null),
        plans == null ? null : plans.plans(target, database, dbId, queryId), BaselineBand.of(series),
        text.map(StatementText::family)
            .flatMap(family -> Siblings.of(store.families(), family, target, dbId, new Period(w.from(), w.to()),
                tenants::tenantOf, Links.base(ctx)))
            .orElse(null));
  }

  /** {@code GET /api/v1/queries/{target}/{database}/{queryId}/plans}. */
  void plans(Context ctx) {
    if (plans == null) {
      throw new NotFoundResponse("this agent keeps no plans");
    }
    String target = ctx.pathParam("target");
    String database = ctx.pathParam("database");
    long queryId = queryId(ctx);
    long dbId = store.databases(target).stream().filter(d -> d.name().equals(database)).findFirst()
        .map(DatabaseInfo::oid)
        .orElseThrow(() -> new NotFoundResponse("no database '" + database + "' is known on target '" + target + "'"));
    ctx.json(plans.plans(target, database, dbId, queryId));
  }

  private static long queryId(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("queryId"));
    } catch (NumberFormatException e) {
      throw new BadRequest("queryId must be pg_stat_statements' signed 64-bit queryid, got '"
          + ctx.pathParam("queryId") + "'");
    }
  }

  /**
   * What the page shows: the statement, its advice, its latest plan, a bar per point of its mean time per call (the
   * chart without JavaScript) and a page of the raw series.
   */
  public record View(QueryJson q, List<Bar> bars, int width, int height, List<AdviceView> advice,
      TablePage<PointJson> table) {
    public record Bar(int x, int y, int w, int h, String label) {}

    /**
     * One piece of advice as the page words it.
     *
     * @param proof what HypoPG said, or that it is unconfirmed; null when the rule tries nothing
     * @param applied how the statement did before and after the change; null until it is applied
     */
    public record AdviceView(String state, String rule, String advice, String ddl, String proof, String applied) {}

    /** The statement's text laid out one clause a line ({@link SqlLayout}); null when no text is stored. */
    public String formattedQuery() {
      return SqlLayout.format(q.query());
    }

    /** The latest plan's lines; empty when none was captured. */
    public List<String> planLines() {
      return q.plans() == null || q.plans().plans().isEmpty() ? List.of() : q.plans().plans().get(0).nodes();
    }

    static List<AdviceView> advice(QueryJson q) {
      List<AdviceView> out = new java.util.ArrayList<>();
      for (FindingsApi.FindingJson f : q.findings()) {
        if (f.evidence() instanceof dev.earlybird.model.Evidence.Advice a && !f.state().equals("resolved")) {
          String proof = a.hypothetical() == null ? null : String.format(java.util.Locale.ROOT,
              "HypoPG: plan cost %.1f without the index, %.1f with it (%.0f%% lower)", a.hypothetical().costBefore(),
              a.hypothetical().costAfter(), a.hypothetical().reductionPct());
          String applied = a.applied() == null ? null : appliedText(a.applied());
          out.add(new AdviceView(f.state(), a.rule(), a.advice(), a.ddl(), proof, applied));
        }
      }
      return out;
    }

    private static String appliedText(dev.earlybird.model.Evidence.Applied a) {
      String sides = String.format(java.util.Locale.ROOT, "before: %,d calls at %.3f ms; after: %,d calls at %.3f ms",
          a.before().calls(), a.before().meanMs(), a.after().calls(), a.after().meanMs());
      return switch (a.verdict()) {
        case "improved" -> String.format(java.util.Locale.ROOT, "Applied %s; it worked (p = %.4f): %s",
            a.seenAt(), a.pValue(), sides);
        case "not_improved" -> String.format(java.util.Locale.ROOT, "Applied %s; the statement did not get faster "
            + "(p = %.4f): %s", a.seenAt(), a.pValue(), sides);
        default -> "Applied " + a.seenAt() + "; waiting for enough calls to compare (" + sides + ")";
      };
    }

    static View of(QueryJson q, TablePage<PointJson> table) {
      int width = 900, height = 160;
      List<PointJson> s = q.series();
      double max = s.stream().mapToDouble(PointJson::meanMs).max().orElse(0);
      int n = Math.max(1, s.size());
      int w = Math.max(1, width / n - 1);
      List<Bar> bars = new java.util.ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        PointJson p = s.get(i);
        int h = max <= 0 ? 0 : (int) Math.round((height - 10) * p.meanMs() / max);
        bars.add(new Bar(i * (width / n), height - h, w, h, p.end() + ": " + p.meanMs() + " ms x " + p.calls()));
      }
      return new View(q, bars, width, height, advice(q), table);
    }

    /** The JSON twin, relative to the page ({@code /queries/t/d/q} → {@code ../../../api/v1/queries/t/d/q}). */
    public String apiLink() {
      return "../../../api/v1" + Links.query(q.target(), q.database(), Long.parseLong(q.queryId())) + "?from="
          + Links.segment(q.from().toString()) + "&to=" + Links.segment(q.to().toString());
    }
  }

  View view(Context ctx) {
    QueryJson q = load(ctx);
    return View.of(q, TablePage.of(q.series(), ctx, "page"));
  }
}
