package dev.earlybird.web;

import dev.earlybird.history.BaselineException;
import dev.earlybird.metrics.FleetState;
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

  public Pages(FleetState fleet, Api api, BaselineApi baselines, FindingsApi findings, QueriesApi queries) {
    this.fleet = fleet;
    this.hot = new HotPage(api);
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

  public record BaselinesView(List<BaselineJson.Baseline> baselines) {}

  /** @param comparison null when the parameters were wrong ({@code error} says why) */
  public record CompareView(String name, Form form, BaselineJson.Comparison comparison, String error) {}

  void fleet(Context ctx) {
    Templates.render(ctx, "fleet.jte", Map.of("targets", fleet.all()));
  }

  void hot(Context ctx) {
    hot.render(ctx);
  }

  void baselines(Context ctx) {
    Templates.render(ctx, "baselines.jte", Map.of("view", new BaselinesView(baselines.list())));
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
