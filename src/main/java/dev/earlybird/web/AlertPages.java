package dev.earlybird.web;

import dev.earlybird.history.StoredReview;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The {@code /alerts} and {@code /reviews} pages. */
public final class AlertPages {
  private final AlertsApi api;

  AlertPages(AlertsApi api) {
    this.api = api;
  }

  public record AlertsView(
      List<AlertJson.Alert> firing,
      List<AlertJson.Alert> silenced,
      List<AlertJson.Alert> resolved,
      List<AlertJson.SilenceJson> silences) {}

  /** Resolved alerts shown: the newest; the API has the others. */
  static final int RESOLVED_SHOWN = 100;

  void alerts(Context ctx) {
    Templates.render(ctx, "alerts.jte", Map.of("view", new AlertsView(
        api.alertList(Optional.of("firing"), Api.MAX_LIMIT), api.alertList(Optional.of("silenced"), Api.MAX_LIMIT),
        api.alertList(Optional.of("resolved"), RESOLVED_SHOWN), api.silenceList())));
  }

  /**
   * The finding's own words of an alert's summary: the summary annotation starts with where the finding is
   * ({@code "regression on tenant acme, pg1/app queryid 42: 3x slower ..."}), which the page shows in its own
   * columns. The whole summary when it does not start that way.
   */
  public static String findingPart(AlertJson.Alert a) {
    String summary = a.annotations().getOrDefault("summary", "");
    Map<String, String> l = a.labels();
    List<String> markers = new java.util.ArrayList<>();
    if (l.containsKey("queryid")) {
      markers.add(" queryid " + l.get("queryid") + ": ");
    }
    if (l.containsKey("target") && l.containsKey("database")) {
      markers.add(" " + l.get("target") + "/" + l.get("database") + ": ");
    }
    if (l.containsKey("target")) {
      markers.add(" on target " + l.get("target") + ": ");
    }
    if (l.containsKey("tenant")) {
      markers.add(" on tenant " + l.get("tenant") + ": ");
    }
    for (String m : markers) {
      int at = summary.indexOf(m);
      if (at >= 0 && at + m.length() < summary.length()) {
        return summary.substring(at + m.length());
      }
    }
    return summary;
  }

  /**
   * @param byTenant per tenant (by name), the page's reviews newest first; {@code error} says why there are none
   * @param links the neighbouring pages of the newest-first list
   * @param tenant the tenant asked for ("" for all), to fill the form again
   */
  public record ReviewsView(Map<String, List<StoredReview>> byTenant, PageLinks links, String tenant, String error) {}

  void reviews(Context ctx) {
    ReviewsView view;
    try {
      Paging.Page<StoredReview> page = api.reviewPage(ctx);
      view = new ReviewsView(page.rows().stream().collect(
          Collectors.groupingBy(StoredReview::tenant, TreeMap::new, Collectors.toList())),
          PageLinks.of(ctx, "/reviews", page), FindingsApi.param(ctx, "tenant").orElse(""), null);
    } catch (BadRequest e) {
      ctx.status(400);
      view = new ReviewsView(Map.of(), PageLinks.NONE, FindingsApi.param(ctx, "tenant").orElse(""), e.getMessage());
    }
    Templates.render(ctx, "reviews.jte", Map.of("view", view));
  }

  /** @param review null when there is no such review ({@code error} says so) */
  public record ReviewView(StoredReview review, ReviewDigest.Digest digest, String error) {}

  void review(Context ctx) {
    ReviewView view;
    try {
      StoredReview r = api.review(ctx);
      view = new ReviewView(r, ReviewDigest.of(r.body()), null);
    } catch (ApiError e) {
      ctx.status(e.status());
      view = new ReviewView(null, null, e.getMessage());
    }
    Templates.render(ctx, "review.jte", Map.of("view", view));
  }
}
