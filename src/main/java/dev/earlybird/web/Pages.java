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
  private final Api api;
  private final BaselineApi baselines;
  private final FindingsApi findings;
  private final QueriesApi queries;

  public Pages(FleetState fleet, Api api, BaselineApi baselines, FindingsApi findings, QueriesApi queries) {
    this.fleet = fleet;
    this.api = api;
    this.baselines = baselines;
    this.findings = findings;
    this.queries = queries;
  }

  void query(Context ctx) {
    Templates.render(ctx, "query.jte", Map.of("view", queries.view(ctx)));
  }

  void findings(Context ctx) {
    Templates.render(ctx, "findings.jte", Map.of("findings", findings.rows(ctx)));
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

  /** @param hot null when the parameters were wrong ({@code error} says why) */
  public record HotView(Form form, List<String> targets, Api.HotQueriesJson hot, String error) {}

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
    Templates.render(ctx, "fleet.jte", Map.of("targets", fleet.all()));
  }

  void hot(Context ctx) {
    List<String> targets = fleet.all().stream().map(TargetStatus::name).toList();
    try {
      Templates.render(ctx, "hot.jte", Map.of("view", new HotView(Form.of(ctx), targets, api.hotList(ctx), null)));
    } catch (BadRequest e) {
      ctx.status(400);
      Templates.render(ctx, "hot.jte", Map.of("view", new HotView(Form.of(ctx), targets, null, e.getMessage())));
    }
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
