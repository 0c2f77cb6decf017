package dev.earlybird.web;

import io.javalin.http.Context;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A list page's links to its neighbours (below {@code web.basePath}), each null when there is none: the request's
 * own filters and limit with the neighbour's cursor, so paging never loses a filter.
 */
public record PageLinks(String prev, String next) {
  public static final PageLinks NONE = new PageLinks(null, null);

  /** A value for a link's query string, percent-encoded (tenant and database names may hold any character). */
  public static String encode(String value) {
    return Links.segment(value);
  }

  static PageLinks of(Context ctx, String path, Paging.Page<?> page) {
    return new PageLinks(link(ctx, path, page.prevCursor()), link(ctx, path, page.nextCursor()));
  }

  private static String link(Context ctx, String path, String cursor) {
    if (cursor == null) {
      return null;
    }
    String kept = ctx.queryParamMap().entrySet().stream()
        .filter(e -> !e.getKey().equals("cursor"))
        .flatMap(e -> e.getValue().stream().filter(v -> !v.isBlank()).map(v -> Map.entry(e.getKey(), v)))
        .map(e -> Links.segment(e.getKey()) + "=" + Links.segment(e.getValue()))
        .collect(Collectors.joining("&"));
    return path + "?" + (kept.isEmpty() ? "" : kept + "&") + "cursor=" + Links.segment(cursor);
  }
}
