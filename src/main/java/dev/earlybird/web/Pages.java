package dev.earlybird.web;

import dev.earlybird.metrics.FleetState;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/** HTML pages for people, rendered by precompiled jte templates (which escape every value). */
public final class Pages {
  private final TemplateEngine jte = TemplateEngine.createPrecompiled(ContentType.Html);
  private final FleetState fleet;
  private final FindingsApi findings;
  private final QueriesApi queries;

  public Pages(FleetState fleet, FindingsApi findings, QueriesApi queries) {
    this.fleet = fleet;
    this.findings = findings;
    this.queries = queries;
  }

  void query(Context ctx) {
    render(ctx, "query.jte", Map.of("view", queries.view(ctx)));
  }

  void findings(Context ctx) {
    render(ctx, "findings.jte", Map.of("findings", findings.rows(ctx)));
  }

  void fleet(Context ctx) {
    render(ctx, "fleet.jte", Map.of("targets", fleet.all()));
  }

  private void render(Context ctx, String template, Map<String, Object> model) {
    StringOutput out = new StringOutput();
    jte.render(template, model, out);
    ctx.html(out.toString());
  }
}
