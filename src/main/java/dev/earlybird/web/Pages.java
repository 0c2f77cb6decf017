package dev.earlybird.web;

import dev.earlybird.history.BaselineException;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.TargetStatus;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** HTML pages for people, rendered by precompiled jte templates (which escape every value). */
public final class Pages {
  private final FleetState fleet;
  private final HotPage hot;
  private final BaselineApi baselines;
  private final FindingsApi findings;
  private final QueriesApi queries;
  private final FleetApi fleetApi;
  private final AdviceApi advice;

  /** Without a review scheduler: the fleet page lists no reviews ahead. */
  public Pages(FleetState fleet, Api api, BaselineApi baselines, FindingsApi findings, QueriesApi queries) {
    this(fleet, api, baselines, findings, queries, UpcomingReviews.NONE);
  }

  public Pages(FleetState fleet, Api api, BaselineApi baselines, FindingsApi findings, QueriesApi queries,
      UpcomingReviews reviews) {
    this.fleet = fleet;
    this.hot = new HotPage(api);
    this.baselines = baselines;
    this.findings = findings;
    this.queries = queries;
    this.fleetApi = new FleetApi(fleet, findings.store(), api.tenants(), api.clock(), reviews);
    this.advice = new AdviceApi(findings.store());
  }

  FleetApi fleetApi() {
    return fleetApi;
  }

  AdviceApi adviceApi() {
    return advice;
  }

  void query(Context ctx) {
    Templates.render(ctx, "query.jte", Map.of("view", queries.view(ctx)));
  }

  /**
   * A page of a list with the filters as given (to fill the form again) and its neighbours' links.
   *
   * @param rows null when the parameters were wrong ({@code error} says why)
   */
  public record ListView<T>(Map<String, String> filter, List<T> rows, PageLinks links, String error) {
    public String filter(String name) {
      return filter.getOrDefault(name, "");
    }
  }

  /** Renders a page of a list; a bad filter, limit or cursor is the page with the error and a 400. */
  static <T> void list(Context ctx, String template, String path, java.util.function.Function<Context, Paging.Page<T>> page) {
    Map<String, String> filter = new java.util.HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> filter.put(k, v.isEmpty() ? "" : v.getFirst()));
    ListView<T> view;
    try {
      Paging.Page<T> p = page.apply(ctx);
      view = new ListView<>(filter, p.rows(), PageLinks.of(ctx, path, p), null);
    } catch (BadRequest e) {
      ctx.status(400);
      view = new ListView<>(filter, null, PageLinks.NONE, e.getMessage());
    }
    Templates.render(ctx, template, Map.of("view", view));
  }

  void findings(Context ctx) {
    list(ctx, "findings.jte", "/findings", findings::page);
  }

  void advice(Context ctx) {
    list(ctx, "advice.jte", "/advice", advice::page);
  }

  /** The window and filter parameters as given, to fill the forms again ("" when absent). */
  public record Form(String date, String from, String to, String target, String database, String tenant) {
    static Form of(Context ctx) {
      return new Form(param(ctx, "date"), param(ctx, "from"), param(ctx, "to"), param(ctx, "target"),
          param(ctx, "database"), param(ctx, "tenant"));
    }

    private static String param(Context ctx, String name) {
      String v = ctx.queryParam(name);
      return v == null ? "" : v;
    }
  }

  /**
   * @param form the pin form's fields as entered ("" when blank; never the token)
   * @param targets the fleet's targets, offered in the form
   */
  public record BaselinesView(
      List<BaselineJson.Baseline> baselines, BaselineJson.Pin form, List<String> targets, Notice notice) {}

  private static final Map<String, String> DONE = Map.of(
      "pinned", "Pinned baseline %s.", "deleted", "Deleted baseline %s.");

  /** @param comparison null when the parameters were wrong ({@code error} says why) */
  public record CompareView(String name, Form form, BaselineJson.Comparison comparison, String error) {}

  void fleet(Context ctx) {
    Templates.render(ctx, "fleet.jte", Map.of("fleet", fleetApi.fleet()));
  }

  void hot(Context ctx) {
    hot.render(ctx);
  }

  void baselines(Context ctx) {
    baselines(ctx, new BaselineJson.Pin("", "", "", ""), Notice.of(ctx, DONE, baselines.access().enabled()));
  }

  /** {@code POST /baselines}: the token was checked before (every unsafe request's filter). */
  void pin(Context ctx) {
    FormWrites.done(ctx, "/baselines", "pinned", baselines.pin(pinForm(ctx)).name());
  }

  /** {@code POST /baselines/{name}/delete}. */
  void deleteBaseline(Context ctx) {
    FormWrites.onPathParam(ctx, "name", baselines::delete, "/baselines", "deleted");
  }

  /** The page again after a refused form post, with why and what was entered (never the token). */
  void baselinesRefused(Context ctx, int status, String error) {
    ctx.status(status);
    baselines(ctx, pinForm(ctx), Notice.refused(error, baselines.access().enabled()));
  }

  private static BaselineJson.Pin pinForm(Context ctx) {
    return new BaselineJson.Pin(FormWrites.field(ctx, "name"), FormWrites.field(ctx, "from"),
        FormWrites.field(ctx, "to"), FormWrites.field(ctx, "target"));
  }

  private void baselines(Context ctx, BaselineJson.Pin form, Notice notice) {
    List<String> targets = fleet.all().stream().map(TargetStatus::name).toList();
    Templates.render(ctx, "baselines.jte", Map.of("view", new BaselinesView(baselines.list(), form, targets, notice)));
  }

  void compare(Context ctx) {
    String name = ctx.pathParam("name");
    CompareView view;
    try {
      view = new CompareView(name, Form.of(ctx), baselines.comparison(ctx, name), null);
    } catch (BadRequest e) {
      ctx.status(400);
      view = new CompareView(name, Form.of(ctx), null, e.getMessage());
    } catch (BaselineException e) {
      ctx.status(e.reason() == BaselineException.Reason.NOT_FOUND ? 404 : 400);
      view = new CompareView(name, Form.of(ctx), null, e.getMessage());
    }
    Templates.render(ctx, "compare.jte", Map.of("view", view));
  }
}
