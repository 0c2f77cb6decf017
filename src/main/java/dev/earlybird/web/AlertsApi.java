package dev.earlybird.web;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.earlybird.alert.AlertPolicy;
import dev.earlybird.config.Durations;
import dev.earlybird.config.Secret;
import dev.earlybird.history.AlertLog;
import dev.earlybird.history.AlertRecord;
import dev.earlybird.history.Alerting;
import dev.earlybird.history.ReviewStore;
import dev.earlybird.history.Keyset;
import dev.earlybird.history.Silence;
import dev.earlybird.history.StoredReview;
import dev.earlybird.model.LabelMatcher;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/v1/reviews}, {@code /api/v1/alerts} and {@code /api/v1/silences}, and the data of the {@code /alerts}
 * and {@code /reviews} pages. Alerts and silences are paged by key ({@code limit}, {@code cursor} ->
 * {@code nextCursor}, {@code prevCursor}). Silences are created and deleted with {@code Authorization: Bearer
 * <web.token>}, or created and expired from the {@code /alerts} page with the token in its forms.
 */
public final class AlertsApi {
  static final List<String> STATES = List.of("firing", "silenced", "resolved");
  private static final String SILENCE_EXAMPLE = "{\"matchers\": [{\"name\": \"tenant\", \"value\": \"acme\", "
      + "\"regex\": false}], \"duration\": \"2h\", \"createdBy\": \"jane\", \"comment\": \"planned maintenance\"}";

  private final Alerting alerting;
  private final WriteAccess access;
  private final InstantSource clock;
  private final AlertPages pages = new AlertPages(this);

  public AlertsApi(Alerting alerting, Optional<Secret> token, InstantSource clock) {
    this.alerting = alerting;
    this.access = new WriteAccess(token);
    this.clock = clock;
  }

  boolean writesOn() {
    return access.enabled();
  }

  AlertPages pages() {
    return pages;
  }

  // --- reviews ---

  record Reviews(List<RawValue> reviews, String nextCursor, String prevCursor) {}

  /** One page of the reviews, newest first. */
  Paging.Page<StoredReview> reviewPage(Context ctx) {
    Optional<String> tenant = FindingsApi.param(ctx, "tenant");
    Optional<Instant> from = FindingsApi.param(ctx, "from").map(v -> BaselineApi.instant("from", v));
    Optional<Instant> to = FindingsApi.param(ctx, "to").map(v -> BaselineApi.instant("to", v));
    Paging<ReviewStore.Seek> paging = Paging.of(ctx, "reviews", REVIEW_KEY);
    Optional<ReviewStore.Seek> seek =
        paging.key().map(k -> new ReviewStore.Seek(k.scheduledFor(), k.tenant(), paging.before()));
    return paging.page(alerting.reviews().reviews(tenant, from, to, seek, paging.fetch()),
        r -> new ReviewStore.Seek(r.scheduledFor(), r.tenant(), false));
  }

  /** A review's place in the list: when it was scheduled, then its tenant (one review per tenant and time). */
  private static final Paging.Codec<ReviewStore.Seek> REVIEW_KEY = new Paging.Codec<>(2,
      k -> List.of(k.scheduledFor().toString(), k.tenant()),
      p -> new ReviewStore.Seek(Instant.parse(p.get(0)), p.get(1), false));

  /** Each review's document as it was stored, so the API serves exactly what the review sent. */
  void reviews(Context ctx) {
    Paging.Page<StoredReview> page = reviewPage(ctx);
    ctx.json(new Reviews(page.rows().stream().map(r -> new RawValue(r.body())).toList(), page.nextCursor(),
        page.prevCursor()));
  }

  /** {@code acme/2026-12-08}: from one path segment (URL-encoded) or two. */
  StoredReview review(Context ctx) {
    String id = ctx.pathParamMap().containsKey("workday")
        ? ctx.pathParam("tenant") + "/" + ctx.pathParam("workday")
        : ctx.pathParam("id");
    return alerting.reviews().review(id).orElseThrow(() -> new ApiError(404,
        "there is no review " + id + ": ids are <tenant>/<workday>, e.g. acme/2026-12-08; GET /api/v1/reviews lists them"));
  }

  void reviewBody(Context ctx) {
    ctx.contentType("application/json").result(review(ctx).body());
  }

  // --- alerts ---

  /** A page of alerts, newest change first; {@code state} empty: all. */
  KeysetCursor.Page<AlertJson.Alert> alertPage(Optional<String> state, Optional<String> cursor, String param, int limit) {
    Optional<AlertLog.State> st = state.map(s -> AlertLog.State.valueOf(s.toUpperCase(java.util.Locale.ROOT)));
    String list = "alerts:" + state.orElse("all");
    Optional<Keyset> from = KeysetCursor.decode(param, cursor.orElse(null), list);
    List<AlertRecord> read = alerting.alerts().page(st, from, limit + 1);
    KeysetCursor.Page<AlertRecord> page = KeysetCursor.page(list, from, limit, read,
        a -> Keyset.after(a.updatedAt(), AlertPolicy.ref(a)));
    return new KeysetCursor.Page<>(page.rows().stream()
        .map(a -> AlertJson.Alert.of(a, alerting.outbox().deliveries(AlertPolicy.ref(a)))).toList(),
        page.next(), page.prev());
  }

  void alerts(Context ctx) {
    Optional<String> state = FindingsApi.param(ctx, "state");
    if (state.isPresent() && !STATES.contains(state.get())) {
      throw new BadRequest("'state' must be one of " + String.join(", ", STATES) + ", got '" + state.get() + "'");
    }
    var page = alertPage(state, FindingsApi.param(ctx, "cursor"), "cursor", Api.limit(ctx.queryParam("limit")));
    ctx.json(new AlertJson.Alerts(page.rows(), page.next(), page.prev()));
  }

  // --- silences ---

  static final List<String> SILENCE_STATES = List.of("active", "expired");

  /** @param active true: not ended yet (earliest end first); false: ended (latest end first) */
  KeysetCursor.Page<AlertJson.SilenceJson> silencePage(
      boolean active, Optional<String> cursor, String param, int limit) {
    String list = "silences:" + (active ? "active" : "expired");
    Optional<Keyset> from = KeysetCursor.decode(param, cursor.orElse(null), list);
    List<Silence> read = alerting.silences().page(active, clock.instant(), from, limit + 1);
    var page = KeysetCursor.page(list, from, limit, read, s -> Keyset.after(s.endsAt(), s.id()));
    return new KeysetCursor.Page<>(page.rows().stream().map(AlertJson.SilenceJson::of).toList(), page.next(),
        page.prev());
  }

  /** Silences by id, for the alerts they silence. */
  Optional<AlertJson.SilenceJson> silence(String id) {
    return alerting.silences().find(id).map(AlertJson.SilenceJson::of);
  }

  void silences(Context ctx) {
    String state = FindingsApi.param(ctx, "state").orElse("active");
    if (!SILENCE_STATES.contains(state)) {
      throw new BadRequest("'state' must be one of " + String.join(", ", SILENCE_STATES) + ", got '" + state + "'");
    }
    var page = silencePage(state.equals("active"), FindingsApi.param(ctx, "cursor"), "cursor",
        Api.limit(ctx.queryParam("limit")));
    ctx.json(new AlertJson.Silences(page.rows(), page.next(), page.prev()));
  }

  void addSilence(Context ctx) {
    access.require(ctx);
    AlertJson.NewSilence req = RequestBodies.read(ctx, AlertJson.NewSilence.class, SILENCE_EXAMPLE);
    ctx.status(201).json(AlertJson.SilenceJson.of(add(req)));
  }

  /** Checks and stores a new silence (the caller has checked the token). */
  Silence add(AlertJson.NewSilence req) {
    Silence silence = silence(req, clock.instant());
    alerting.silences().add(silence);
    return silence;
  }

  /** Ends a silence now (the caller has checked the token); a 404 when there is no such current silence. */
  void expire(String id) {
    if (!alerting.silences().expire(id, clock.instant())) {
      throw new ApiError(404, "there is no current silence " + id + ": it has ended already or never existed");
    }
  }

  /** Checks every field of the request, each error naming the field. */
  static Silence silence(AlertJson.NewSilence req, Instant now) {
    List<LabelMatcher> matchers = matchers(req.matchers());
    Instant starts = req.startsAt() == null ? now : BaselineApi.instant("startsAt", req.startsAt());
    Instant ends;
    if ((req.endsAt() == null) == (req.duration() == null)) {
      throw new BadRequest("'endsAt' or 'duration' is required, not both: 'endsAt' an ISO-8601 instant like "
          + "2026-12-08T18:00:00Z, 'duration' like 2h");
    } else if (req.endsAt() != null) {
      ends = BaselineApi.instant("endsAt", req.endsAt());
    } else {
      ends = starts.plus(duration(req.duration()));
    }
    if (!ends.isAfter(starts) || !ends.isAfter(now)) {
      throw new BadRequest("'endsAt' must be after 'startsAt' and in the future, got " + ends);
    }
    if (req.createdBy() == null || req.createdBy().isBlank()) {
      throw new BadRequest("'createdBy' is required: who asks for the silence (a name or an email address)");
    }
    String comment = req.comment() == null ? "" : req.comment();
    return new Silence(UUID.randomUUID().toString(), matchers, starts, ends, req.createdBy().strip(), comment, now);
  }

  private static List<LabelMatcher> matchers(List<AlertJson.Matcher> given) {
    if (given == null || given.isEmpty()) {
      throw new BadRequest("'matchers' is required: at least one {\"name\", \"value\", \"regex\"}, e.g. "
          + "{\"name\": \"tenant\", \"value\": \"acme\"}");
    }
    List<LabelMatcher> out = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      AlertJson.Matcher m = given.get(i);
      String field = "'matchers[" + i + "]";
      if (m == null || m.name() == null || m.name().isBlank()) {
        throw new BadRequest(field + ".name' is required: the label to match, e.g. tenant or alertname");
      }
      if (m.value() == null) {
        throw new BadRequest(field + ".value' is required (\"\" matches alerts without the label)");
      }
      try {
        out.add(new LabelMatcher(m.name().strip(), m.value(), Boolean.TRUE.equals(m.regex())));
      } catch (IllegalArgumentException e) {
        throw new BadRequest(field + ".value': " + e.getMessage());
      }
    }
    return out;
  }

  private static Duration duration(String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isZero()) {
        throw new IllegalArgumentException("must be longer than 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new BadRequest("'duration': " + e.getMessage());
    }
  }

  void deleteSilence(Context ctx) {
    access.require(ctx);
    String id = ctx.pathParam("id");
    if (!alerting.silences().delete(id)) {
      throw new ApiError(404, "there is no silence " + id + ": GET /api/v1/silences lists the current ones");
    }
    ctx.status(204);
  }
}
