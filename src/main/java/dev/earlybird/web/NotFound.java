package dev.earlybird.web;

import io.javalin.http.Context;
import java.util.Map;

/**
 * A 404 as its reader expects it: the API ({@code /api/...}) and the agent's own endpoints answer JSON
 * ({@code {"error": ...}}), pages answer a small HTML page that says what was not found and links home.
 */
final class NotFound {
  private NotFound() {}

  static final String DEFAULT_MESSAGE = "there is no such page";

  /** Whether a path is read by programs (JSON errors), not people. */
  static boolean forPrograms(String path) {
    return path.startsWith("/api/") || path.startsWith("/-/") || path.equals("/metrics");
  }

  static void answer(Context ctx, String message) {
    ctx.status(404);
    // Under web.basePath the request path starts with it; what the path names is what follows.
    String base = Links.base(ctx);
    String path = ctx.path().startsWith(base) ? ctx.path().substring(base.length()) : ctx.path();
    if (forPrograms(path)) {
      ctx.json(Map.of("error", message));
    } else {
      ctx.contentType("text/html; charset=utf-8").result(page(message, base));
    }
  }

  /**
   * The page; the message may hold what the user typed in the URL, so it is escaped.
   *
   * @param base {@code web.basePath}, empty for none: the link home is below it
   */
  static String page(String message, String base) {
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Not found - Earlybird</title></head>
        <body>
        <h1>Not found</h1>
        <p>%s</p>
        <p><a href="%s/">Back to the fleet</a></p>
        </body>
        </html>
        """.formatted(escape(message), escape(base));
  }

  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
