package dev.earlybird.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URLs of pages, with path segments percent-encoded (database names may hold any character). */
public final class Links {
  private Links() {}

  public static String query(String target, String database, long queryId) {
    return "/queries/" + segment(target) + "/" + segment(database) + "/" + queryId;
  }

  /** A review's page: {@code /reviews/<tenant>/<workday>}. */
  public static String review(String tenant, java.time.LocalDate workday) {
    return "/reviews/" + segment(tenant) + "/" + workday;
  }

  static String segment(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
