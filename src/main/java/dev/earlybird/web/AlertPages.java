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

  /** Rows per section of {@code /alerts}; each section pages on its own (its cursor is a query parameter). */
  static final int PAGE = 50;

  /** The labels the silence form matches on, exactly; a blank field matches any value. */
  public static final List<String> LABELS =
      List.of("alertname", "severity", "kind", "target", "database", "tenant", "queryid");

  private static final Map<String, String> DONE = Map.of(
      "silenced", "Created silence %s.", "expired", "Expired silence %s.");

  /**
   * One section of the page and the links to its neighbour pages.
   *
   * @param id the section's anchor and the query parameter of its cursor
   * @param prevHref null on the first page
   * @param nextHref null on the last page
   */
  public record Section<T>(String id, List<T> rows, String prevHref, String nextHref) {}

  /**
   * The fields of the silence form, as entered or pre-filled by a "silence this" link.
   *
   * @param labels by label name ({@link #LABELS}), "" when blank
   */
  public record SilenceForm(
      Map<String, String> labels, String duration, String endsAt, String comment, String createdBy) {
    static SilenceForm of(java.util.function.Function<String, String> field, boolean posted) {
      Map<String, String> labels = new java.util.LinkedHashMap<>();
      LABELS.forEach(l -> labels.put(l, field.apply(l)));
      String duration = field.apply("duration");
      return new SilenceForm(labels, duration.isEmpty() && !posted ? "2h" : duration, field.apply("endsAt"),
          field.apply("comment"), field.apply("createdBy"));
    }

    AlertJson.NewSilence request() {
      List<AlertJson.Matcher> matchers = labels.entrySet().stream().filter(e -> !e.getValue().isEmpty())
          .map(e -> new AlertJson.Matcher(e.getKey(), e.getValue(), false)).toList();
      if (matchers.isEmpty()) {
        throw new BadRequest("fill in at least one of " + String.join(", ", LABELS) + " to say which alerts to silence");
      }
      return new AlertJson.NewSilence(matchers, null, endsAt.isEmpty() ? null : endsAt,
          duration.isEmpty() ? null : duration, createdBy, comment);
    }
  }

  /** @param silencedBy the silences of the silenced alerts shown, by id */
  public record AlertsView(
      Section<AlertJson.Alert> firing,
      Section<AlertJson.Alert> silenced,
      Section<AlertJson.Alert> resolved,
      Section<AlertJson.SilenceJson> active,
      Section<AlertJson.SilenceJson> expired,
      Map<String, AlertJson.SilenceJson> silencedBy,
      SilenceForm form,
      Notice notice) {}

  void alerts(Context ctx) {
    render(ctx, SilenceForm.of(name -> Optional.ofNullable(ctx.queryParam(name)).orElse("").strip(), false),
        Notice.of(ctx, DONE, api.writesOn()));
  }

  /** {@code POST /alerts/silences}: the token was checked before (every unsafe request's filter). */
  void addSilence(Context ctx) {
    SilenceForm form = SilenceForm.of(name -> FormWrites.field(ctx, name), true);
    FormWrites.done(ctx, "/alerts", "silenced", api.add(form.request()).id());
  }

  /** {@code POST /alerts/silences/{id}/expire}. */
  void expireSilence(Context ctx) {
    FormWrites.onPathParam(ctx, "id", api::expire, "/alerts", "expired");
  }

  /** The page again after a refused form post, with why and what was entered (never the token). */
  void refused(Context ctx, int status, String error) {
    ctx.status(status);
    render(ctx, SilenceForm.of(name -> FormWrites.field(ctx, name), true), Notice.refused(error, api.writesOn()));
  }

  private void render(Context ctx, SilenceForm form, Notice notice) {
    Section<AlertJson.Alert> firing = alerts(ctx, "firing");
    Section<AlertJson.Alert> silenced = alerts(ctx, "silenced");
    Map<String, AlertJson.SilenceJson> by = new java.util.HashMap<>();
    silenced.rows().stream().map(AlertJson.Alert::silencedBy).distinct()
        .forEach(id -> api.silence(id).ifPresent(s -> by.put(id, s)));
    Templates.render(ctx, "alerts.jte", Map.of("view", new AlertsView(firing, silenced, alerts(ctx, "resolved"),
        silences(ctx, "active"), silences(ctx, "expired"), by, form, notice)));
  }

  private Section<AlertJson.Alert> alerts(Context ctx, String state) {
    var page = api.alertPage(Optional.of(state), cursor(ctx, state), state, PAGE);
    return section(ctx, state, page);
  }

  private Section<AlertJson.SilenceJson> silences(Context ctx, String state) {
    var page = api.silencePage(state.equals("active"), cursor(ctx, state), state, PAGE);
    return section(ctx, state, page);
  }

  /** A section's cursor comes from the query string, also after a form post to another path. */
  private static Optional<String> cursor(Context ctx, String section) {
    return FormWrites.isForm(ctx) ? Optional.empty() : Optional.ofNullable(ctx.queryParam(section));
  }

  private static <T> Section<T> section(Context ctx, String id, KeysetCursor.Page<T> page) {
    return new Section<>(id, page.rows(), href(ctx, id, page.prev()), href(ctx, id, page.next()));
  }

  /** This page with one section's cursor changed, the other sections' kept where they are. */
  private static String href(Context ctx, String section, String cursor) {
    if (cursor == null) {
      return null;
    }
    StringBuilder q = new StringBuilder();
    for (String s : List.of("firing", "silenced", "resolved", "active", "expired")) {
      String v = s.equals(section) ? cursor : FormWrites.isForm(ctx) ? null : ctx.queryParam(s);
      if (v != null && !v.isBlank()) {
        q.append(q.isEmpty() ? "?" : "&").append(s).append('=').append(Links.segment(v));
      }
    }
    return Links.base(ctx) + "/alerts" + q + "#" + section;
  }

  /** The link that fills the silence form in with an alert's labels (a path below {@code web.basePath}). */
  public static String silenceThis(AlertJson.Alert a) {
    StringBuilder q = new StringBuilder();
    for (String l : List.of("alertname", "target", "database", "tenant", "queryid")) {
      String v = a.labels().get(l);
      if (v != null) {
        q.append(q.isEmpty() ? "?" : "&").append(l).append('=').append(Links.segment(v));
      }
    }
    return "/alerts" + q + "#new-silence";
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
