package dev.earlybird.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/** Renders the precompiled jte templates, which escape every value. */
final class Templates {
  private static final TemplateEngine JTE = TemplateEngine.createPrecompiled(ContentType.Html);

  private Templates() {}

  /** Every template also gets {@code base}, the prefix of its links ({@code web.basePath}, "" when none). */
  static void render(Context ctx, String template, Map<String, Object> model) {
    Map<String, Object> params = new HashMap<>(model);
    params.put("base", Links.base(ctx));
    StringOutput out = new StringOutput();
    JTE.render(template, params, out);
    ctx.html(out.toString());
  }
}
