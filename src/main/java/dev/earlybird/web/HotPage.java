package dev.earlybird.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The page {@code /hot}: the hot list of {@code /api/v1/hot-queries}, with its parameters, 50 rows a page unless
 * {@code limit} asks for another page size, with every control a plain link or form (presets, sort headers,
 * next/previous, the CSV of exactly the rows shown), so it works without JavaScript.
 */
public final class HotPage {
  public static final int SIZE = 50;
  private static final List<String> WINDOW = List.of("range", "date", "from", "to");
  /** What every link of the page keeps: the filters and the page size. */
  private static final List<String> FILTERS = List.of("target", "tenant", "database", "limit");

  private final Api api;

  HotPage(Api api) {
    this.api = api;
  }

  /** A link with what it is and whether it is what the page shows now. */
  public record Choice(String label, String href, boolean current) {}

  /** A marker for a CPU figure's source: a short mark, the source on hover. */
  public record Source(String mark, String title) {}

  /**
   * Everything the template shows; links are paths below {@code web.basePath}.
   *
   * @param given the query parameters as given (window, filters, sort), "" when absent
   * @param fromLocal the window's start as a datetime-local value in {@code zone}, to fill the form again
   * @param hot null when the parameters were wrong ({@code error} says why)
   * @param offset how many rows come before this page
   * @param prevLink null on the first page; nextLink null on the last
   */
  public record View(
      Map<String, String> given, List<String> targets, List<String> tenants, String zone, String fromLocal,
      String toLocal, List<Choice> presets, Api.HotQueriesJson hot, int offset, String prevLink, String nextLink,
      String csvLink, String familiesLink, String error) {
    public String param(String name) {
      return given.getOrDefault(name, "");
    }

    /** A column header's link: its natural order, or the other way round when it is the current sort. */
    public String sortLink(String column) {
      HotOrder now = current();
      HotOrder to = now.column().param.equals(column) ? now.flipped() : HotOrder.parse(column, null);
      Map<String, String> p = pick(given, WINDOW, FILTERS);
      p.put("sort", to.column().param);
      p.put("order", to.order());
      return link("/hot", p);
    }

    /** "▼" or "▲" on the current sort's column, else "". */
    public String mark(String column) {
      HotOrder now = current();
      return !now.column().param.equals(column) ? "" : now.descending() ? "\u25BC" : "\u25B2";
    }

    private HotOrder current() {
      try {
        return HotOrder.parse(param("sort"), param("order"));
      } catch (BadRequest e) {
        return HotOrder.DEFAULT;
      }
    }
  }

  void render(Context ctx) {
    Map<String, String> given = new LinkedHashMap<>();
    for (String name : List.of("range", "date", "from", "to", "target", "tenant", "database", "sort", "order",
        "limit", "cursor")) {
      given.put(name, ctx.queryParam(name) == null ? "" : ctx.queryParam(name).strip());
    }
    if (!given.get("range").isEmpty() && !(given.get("from").isEmpty() && given.get("to").isEmpty())) {
      // The form keeps the chosen preset in a hidden field; a window typed into from/to replaces it.
      Map<String, String> typed = new LinkedHashMap<>(given);
      typed.remove("range");
      ctx.redirect(Links.base(ctx) + link("/hot", typed), HttpStatus.SEE_OTHER);
      return;
    }
    String tenant = given.get("tenant").isEmpty() ? null : given.get("tenant");
    ZoneId zone = api.zone(tenant);
    String zoneText = tenant == null ? "UTC (in a tenant's own zone when one is chosen)"
        : "tenant " + tenant + "'s zone, " + zone.getId() + " (in UTC without a tenant)";
    List<Choice> presets = new ArrayList<>();
    for (HotRange r : HotRange.values()) {
      Map<String, String> p = pick(given, FILTERS, List.of("sort", "order"));
      p.put("range", r.param);
      presets.add(new Choice(r.label, link("/hot", p), r.param.equals(given.get("range"))));
    }
    View view;
    try {
      int size = Api.limit(given.get("limit"), SIZE);
      Api.HotSlice slice = api.hotSlice(ctx, size);
      Instant from = slice.request().from(), to = slice.request().to();
      if (slice.cursor() != null && WINDOW.stream().allMatch(n -> given.get(n).isEmpty())) {
        given.put("from", from.toString()); // re-sorting a later page keeps the window it pages through
        given.put("to", to.toString());
      }
      Map<String, String> paging = pick(given, FILTERS, List.of());
      paging.put("sort", slice.order().column().param);
      paging.put("order", slice.order().order());
      String next = null, prev = null;
      if (slice.nextCursor() != null) {
        next = link("/hot", with(paging, "cursor", slice.nextCursor()));
      }
      if (slice.offset() > 0) {
        prev = link("/hot", with(paging, "cursor",
            new HotCursor(from, to, slice.order(), Math.max(0, slice.offset() - size)).encode()));
      }
      Map<String, String> csv = new LinkedHashMap<>();
      csv.put("format", "csv");
      csv.put("from", from.toString());
      csv.put("to", to.toString());
      csv.putAll(paging);
      csv.put("limit", Integer.toString(size));
      csv.put("cursor", given.get("cursor"));
      String families = FamilyPages.link(Map.of("from", from.toString(), "to", to.toString(),
          "target", given.get("target"), "tenant", given.get("tenant")));
      // The fields hold a window only when one was typed: a preset or the default ("the last 24 hours") must stay
      // rolling when the form is sent again to filter, not freeze at the minute the page was drawn (which cuts off
      // the newest statements).
      boolean typed = !given.get("from").isEmpty() || !given.get("to").isEmpty();
      view = new View(given, api.targetNames(), tenants(given), zoneText, typed ? local(from, zone) : "",
          typed ? local(to, zone) : "", presets,
          slice.json(), slice.offset(), prev, next, link("/api/v1/hot-queries", csv), families, null);
    } catch (BadRequest e) {
      ctx.status(400);
      view = new View(given, api.targetNames(), tenants(given), zoneText, given.get("from"), given.get("to"),
          presets, null, 0, null, null, null, null, e.getMessage());
    }
    Templates.render(ctx, "hot.jte", Map.of("view", view));
  }

  /** The tenants to choose from, with the one asked for even when the store has not seen it. */
  private List<String> tenants(Map<String, String> given) {
    List<String> names = new ArrayList<>(api.tenantNames());
    if (!given.get("tenant").isEmpty() && !names.contains(given.get("tenant"))) {
      names.add(0, given.get("tenant"));
    }
    return names;
  }

  /** The hot list of the families page's window and filters ({@code /families} links to it). */
  public static String byStatement(Pages.Form form) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("date", form.date());
    p.put("from", form.from());
    p.put("to", form.to());
    p.put("target", form.target());
    p.put("tenant", form.tenant());
    return link("/hot", p);
  }

  /** SQL on one line, cut after about 100 characters (never inside a character): the full text is one click away. */
  public static String oneLine(String sql) {
    if (sql == null) {
      return "(text not fetched yet)";
    }
    String line = sql.strip().replaceAll("[\\s\\p{Cntrl}]+", " ");
    if (line.length() <= 100) {
      return line;
    }
    int end = Character.isHighSurrogate(line.charAt(98)) ? 98 : 99;
    return line.substring(0, end) + "\u2026";
  }

  /** How each CPU source is marked in the table, the source itself on hover. */
  public static Source source(String label) {
    return switch (label) {
      case "pg_stat_kcache" -> new Source("kc", "pg_stat_kcache: CPU time measured per statement");
      case "performance_insights" -> new Source("PI", "Performance Insights: CPU load per statement");
      case "exec_minus_io" -> new Source("est", "exec_minus_io: execution time minus block IO time, an estimate");
      case "exec_time" -> new Source("max", "exec_time: execution time, an upper bound (track_io_timing is off)");
      default -> new Source("?", label);
    };
  }

  private static String local(Instant at, ZoneId zone) {
    LocalDateTime t = LocalDateTime.ofInstant(at, zone == null ? ZoneOffset.UTC : zone);
    return t.truncatedTo(ChronoUnit.MINUTES).toString();
  }

  /** The given parameters of these groups, in their order. */
  private static Map<String, String> pick(Map<String, String> given, List<String> a, List<String> b) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : a) {
      out.put(name, given.getOrDefault(name, ""));
    }
    for (String name : b) {
      out.put(name, given.getOrDefault(name, ""));
    }
    return out;
  }

  private static Map<String, String> with(Map<String, String> params, String name, String value) {
    Map<String, String> out = new LinkedHashMap<>(params);
    out.put(name, value);
    return out;
  }

  /** {@code path} with the non-empty parameters, in their order. */
  static String link(String path, Map<String, String> params) {
    String query = params.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isEmpty())
        .map(e -> Links.segment(e.getKey()) + "=" + Links.segment(e.getValue())).collect(Collectors.joining("&"));
    return query.isEmpty() ? path : path + "?" + query;
  }
}
