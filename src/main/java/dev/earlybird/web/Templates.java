package dev.earlybird.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/** Renders the precompiled jte templates, which escape every value. */
final class Templates {
  private static final TemplateEngine JTE = TemplateEngine.createPrecompiled(ContentType.Html);

  private Templates() {}

  static void render(Context ctx, String template, Map<String, Object> model) {
    StringOutput out = new StringOutput();
    JTE.render(template, model, out);
    ctx.html(out.toString());
  }
}
