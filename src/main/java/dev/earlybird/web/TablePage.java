package dev.earlybird.web;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One page of a long server-rendered table, with links to its neighbours that keep every other query parameter
 * (the window, the filters).
 *
 * @param page 1-based
 * @param prevLink null on the first page
 * @param nextLink null on the last page
 */
public record TablePage<T>(List<T> rows, int page, int pages, int total, String prevLink, String nextLink) {
  static final int SIZE = 50;

  /** 1-based number of this page's first row (0 when there are none). */
  public int firstRow() {
    return rows.isEmpty() ? 0 : (page - 1) * SIZE + 1;
  }

  public int lastRow() {
    return (page - 1) * SIZE + rows.size();
  }

  /** @param param the query parameter that holds the page number */
  static <T> TablePage<T> of(List<T> all, Context ctx, String param) {
    return of(all, ctx.queryParam(param), ctx.queryParamMap(), param);
  }

  static <T> TablePage<T> of(List<T> all, String asked, Map<String, List<String>> query, String param) {
    int pages = Math.max(1, (all.size() + SIZE - 1) / SIZE);
    int page = parse(asked, param);
    if (page > pages) {
      throw new BadRequest("'" + param + "' must be between 1 and " + pages + " (" + all.size()
          + " rows, " + SIZE + " a page), got " + page);
    }
    List<T> rows = all.subList((page - 1) * SIZE, Math.min(all.size(), page * SIZE));
    return new TablePage<>(rows, page, pages, all.size(), page > 1 ? link(query, param, page - 1) : null,
        page < pages ? link(query, param, page + 1) : null);
  }

  private static int parse(String asked, String param) {
    if (asked == null || asked.isBlank()) {
      return 1;
    }
    try {
      int page = Integer.parseInt(asked.strip());
      if (page >= 1) {
        return page;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new BadRequest("'" + param + "' must be a page number from 1, got '" + asked + "'");
  }

  /** A relative link (just the query string), so it works under any path prefix. */
  private static String link(Map<String, List<String>> query, String param, int page) {
    String others = query.entrySet().stream()
        .filter(e -> !e.getKey().equals(param))
        .flatMap(e -> e.getValue().stream().map(v -> Links.segment(e.getKey()) + "=" + Links.segment(v)))
        .collect(Collectors.joining("&"));
    return "?" + (others.isEmpty() ? "" : others + "&") + param + "=" + page;
  }
}
