package dev.earlybird.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The pages {@code /families} and {@code /families/{family}}, from the same data as their API twins. */
public final class FamilyPages {
  private final FamiliesApi api;

  FamilyPages(FamiliesApi api) {
    this.api = api;
  }

  /**
   * @param families null when the parameters were wrong ({@code error} says why)
   * @param nextLink the next page, with the same filters; null on the last page
   * @param firstLink the first page of the same window and filters; null on the first page
   */
  public record ListView(
      Pages.Form form, List<String> targets, FamiliesApi.FamiliesJson families, String nextLink, String firstLink,
      String error) {}

  /** @param detail null when the family is unknown or the parameters were wrong ({@code error} says why) */
  public record DetailView(String family, FamiliesApi.FamilyDetailJson detail, FamilyChart chart, String error) {}

  void list(Context ctx) {
    Pages.Form form = Pages.Form.of(ctx);
    ListView view;
    try {
      FamiliesApi.FamiliesJson families = api.families(ctx);
      String next = families.nextCursor() == null ? null : link(Map.of("cursor", families.nextCursor(),
          "target", form.target(), "tenant", form.tenant(), "limit", blank(ctx.queryParam("limit"))));
      String first = blank(ctx.queryParam("cursor")).isBlank() ? null : link(Map.of("from",
          families.from().toString(), "to", families.to().toString(), "target", form.target(), "tenant", form.tenant(),
          "limit", blank(ctx.queryParam("limit"))));
      view = new ListView(form, api.targets(), families, next, first, null);
    } catch (BadRequest e) {
      ctx.status(400);
      view = new ListView(form, api.targets(), null, null, null, e.getMessage());
    }
    Templates.render(ctx, "families.jte", Map.of("view", view));
  }

  void detail(Context ctx) {
    String family = ctx.pathParam("family");
    DetailView view;
    try {
      FamiliesApi.FamilyDetailJson d = api.detail(ctx);
      view = new DetailView(family, d, FamilyChart.of(d), null);
    } catch (BadRequest e) {
      ctx.status(400);
      view = new DetailView(family, null, null, e.getMessage());
    } catch (NotFoundResponse e) {
      ctx.status(404);
      view = new DetailView(family, null, null, e.getMessage());
    }
    Templates.render(ctx, "family.jte", Map.of("view", view));
  }

  /** The family page's address, with the window it was opened from. */
  public static String family(String family, java.time.Instant from, java.time.Instant to) {
    return "/families/" + Links.segment(family) + link(Map.of("from", from.toString(), "to", to.toString()))
        .substring("/families".length());
  }

  /** {@code /families} with the non-empty parameters, in a fixed order. */
  static String link(Map<String, String> params) {
    Map<String, String> sorted = new LinkedHashMap<>();
    params.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .filter(e -> e.getValue() != null && !e.getValue().isBlank())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return "/families" + (sorted.isEmpty() ? "" : sorted.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&", "?", "")));
  }

  /** SQL on one line, cut after 120 characters: the full text is one click away. */
  public static String oneLine(String sql) {
    if (sql == null) {
      return "(text not fetched yet)";
    }
    String line = sql.strip().replaceAll("\\s+", " ");
    return line.length() <= 120 ? line : line.substring(0, 119) + "\u2026";
  }

  private static String blank(String s) {
    return s == null ? "" : s;
  }
}
