package dev.earlybird.web;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * URLs of pages, with path segments percent-encoded (database names may hold any character). They are paths below
 * {@code web.basePath}: a page or an API answer puts {@link #base} in front.
 */
public final class Links {
  private Links() {}

  public static String query(String target, String database, long queryId) {
    return "/queries/" + segment(target) + "/" + segment(database) + "/" + queryId;
  }

  /** A review's page: {@code /reviews/<tenant>/<workday>}. */
  public static String review(String tenant, java.time.LocalDate workday) {
    return "/reviews/" + segment(tenant) + "/" + workday;
  }

  /** A pinned baseline's comparison page: {@code /baselines/<name>}. */
  public static String baseline(String name) {
    return "/baselines/" + segment(name);
  }

  /** The base path the request came in under: "" at the root, else like {@code /earlybird}, never ending in '/'. */
  static String base(Context ctx) {
    String path = ctx.contextPath();
    return path == null || path.equals("/") ? "" : path;
  }

  static String segment(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
