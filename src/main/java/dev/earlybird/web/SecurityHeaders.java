package dev.earlybird.web;

import io.javalin.http.Context;
import java.util.Map;

/**
 * The headers every response carries. The pages run no script and load styles and images only from the agent, so a
 * statement text that slipped past escaping still could not run, and no other site can frame a page (clickjacking a
 * write action) or learn its URL, which names targets and databases, from the Referer.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  static final Map<String, String> ALL = Map.of(
      "Content-Security-Policy", CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "no-referrer",
      "X-Frame-Options", "DENY");

  private SecurityHeaders() {}

  static void apply(Context ctx) {
    ALL.forEach(ctx::header);
  }
}
