package dev.earlybird.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The pages' write actions: plain HTML form posts that carry the token in a password field (a browser cannot add
 * our {@code Authorization} header to a form). The token is the protection a foreign site lacks; as defence in
 * depth a form post that a browser marks as sent from another site is refused, without cookies or sessions. After
 * success the browser is sent back to the page (303) with a short confirmation.
 */
final class FormWrites {
  static final String WRITES_OFF = "write actions are off: set web.token in the agent's config (or pass --token to"
      + " demo), reload it, and enter that token in the Token field";

  private FormWrites() {}

  static boolean isForm(Context ctx) {
    String type = ctx.contentType();
    return ctx.method() == HandlerType.POST && type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /**
   * Refuses (403) a form post a browser says came from another site: {@code Sec-Fetch-Site} other than
   * same-origin or none, or an {@code Origin} whose host[:port] is not the one the request was sent to (the
   * {@code X-Forwarded-Host} a reverse proxy sets, else {@code Host}). Our {@code Referrer-Policy: no-referrer} makes
   * browsers send {@code Origin: null} even from our own pages, so a "null" origin passes only with {@code
   * Sec-Fetch-Site: same-origin}, which every current browser sends. A post without either header is not a
   * browser's form, and the token alone decides.
   */
  static void requireSameOrigin(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      throw crossSite("Sec-Fetch-Site: " + site);
    }
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    if (origin.strip().equals("null")) {
      if (site == null || !site.equalsIgnoreCase("same-origin")) {
        throw crossSite("Origin: null");
      }
      return;
    }
    String forwarded = ctx.header("X-Forwarded-Host");
    String host = forwarded != null && !forwarded.isBlank() ? forwarded.split(",")[0].strip() : ctx.header("Host");
    URI uri;
    try {
      uri = URI.create(origin.strip());
    } catch (IllegalArgumentException e) {
      throw crossSite("Origin: " + origin);
    }
    if (uri.getScheme() == null || uri.getRawAuthority() == null || host == null
        || !withoutDefaultPort(uri.getRawAuthority(), uri.getScheme()).equals(withoutDefaultPort(host, uri.getScheme()))) {
      throw crossSite("Origin: " + origin + ", this agent: " + host);
    }
  }

  private static String withoutDefaultPort(String authority, String scheme) {
    String a = authority.toLowerCase(Locale.ROOT);
    String port = scheme.equalsIgnoreCase("https") ? ":443" : scheme.equalsIgnoreCase("http") ? ":80" : null;
    return port != null && a.endsWith(port) ? a.substring(0, a.length() - port.length()) : a;
  }

  private static ApiError crossSite(String seen) {
    return new ApiError(403, "refused a form sent from another site (" + seen + "): use the form on this agent's own"
        + " page; behind a reverse proxy, pass the original Host or set X-Forwarded-Host");
  }

  /**
   * Back to {@code page} (a path below {@code web.basePath}) after a write, with what was done: a word from the
   * page's own list and the name it was done to, never free text a link could use to put words in the page's mouth.
   */
  static void done(Context ctx, String page, String done, String name) {
    ctx.redirect(Links.base(ctx) + page + "?done=" + done + "&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "#done", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** Does {@code action} to what the path parameter {@code param} names, then goes back as {@link #done} says. */
  static void onPathParam(Context ctx, String param, Consumer<String> action, String page, String done) {
    String name = ctx.pathParam(param);
    action.accept(name);
    done(ctx, page, done, name);
  }

  /** A form field, stripped; "" when absent. */
  static String field(Context ctx, String name) {
    String v = ctx.formParam(name);
    return v == null ? "" : v.strip();
  }
}
