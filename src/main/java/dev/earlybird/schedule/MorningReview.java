package dev.earlybird.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.earlybird.alert.AlertPolicy;
import dev.earlybird.alert.AlertText;
import dev.earlybird.alert.Payloads;
import dev.earlybird.analysis.HotList;
import dev.earlybird.analysis.HotQuery;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.FindingRow;
import dev.earlybird.history.FindingStore;
import dev.earlybird.history.ReviewStore;
import dev.earlybird.history.StoredReview;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.history.TargetRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Builds and stores one tenant's morning review: its hot list of the last 24 hours with change against baseline,
 * its open findings (regressions, new heavy statements, outliers, hot), what changed since its previous review,
 * and the forecast of each target it runs on. Stored together with the morning alerts it re-raises and the digest
 * notifications, in one transaction, under an id per tenant and workday, so it never runs twice.
 */
public final class MorningReview {
  /** Rows of the hot list a review shows. */
  static final int HOT_ROWS = 10;
  /** A digest shows the start of each statement; the full text is on the statement's page. */
  static final int QUERY_CHARS = 300;
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final FindingStore store;
  private final ReviewStore reviews;
  private final HotList hotList;
  private final TenantsConfig tenants;
  private final AlertPolicy policy;
  private final AlertText text;
  private final BiFunction<String, Instant, Optional<Evidence.Forecast>> forecasts;
  private final InstantSource clock;

  /**
   * @param forecasts the forecast of a target for the first hours after a workday start, empty when it has none (no
   *     capacity known, no history of those hours)
   */
  public MorningReview(
      FindingStore store,
      ReviewStore reviews,
      HotList hotList,
      TenantsConfig tenants,
      AlertPolicy policy,
      AlertText text,
      BiFunction<String, Instant, Optional<Evidence.Forecast>> forecasts,
      InstantSource clock) {
    this.store = store;
    this.reviews = reviews;
    this.hotList = hotList;
    this.tenants = tenants;
    this.policy = policy;
    this.text = text;
    this.forecasts = forecasts;
    this.clock = clock;
  }

  /**
   * Runs the review and stores it; returns what was stored.
   *
   * @param targets the targets that hold a database of the tenant
   */
  StoredReview run(DueReview due, List<String> targets) {
    Instant now = clock.instant();
    String id = StoredReview.idOf(due.tenant(), due.workday());
    Optional<Instant> previous = reviews.reviews(Optional.of(due.tenant()), Optional.empty(), Optional.empty(), 1)
        .stream().findFirst().map(StoredReview::ranAt);
    Instant changesSince = previous.orElse(now.minus(Duration.ofDays(1)));
    List<HotQuery> hot = hotList.rank(
        new HotList.Request(now.minus(Duration.ofDays(1)), now, null, null, due.tenant(), HOT_ROWS));

    List<FindingRow> rows = store.findings(new FindingFilter(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(due.tenant()), 1000));
    List<FindingRow> forecastRows = store.findings(new FindingFilter(Optional.of(FindingKind.FORECAST),
        Optional.empty(), Optional.empty(), Optional.empty(), 1000)).stream()
        .filter(r -> r.finding().tenants().contains(due.tenant()) || targets.contains(r.finding().target()))
        .toList();
    List<FindingRow> all = new ArrayList<>(rows);
    all.addAll(forecastRows);
    List<Finding> open = all.stream().map(FindingRow::finding).filter(f -> f.state() == FindingState.ACTIVE).toList();

    ObjectNode body = JSON.createObjectNode();
    body.put("id", id);
    body.put("tenant", due.tenant());
    body.put("workday", due.workday().toString());
    body.put("scheduledFor", due.scheduledFor().toString());
    body.put("ranAt", now.toString());
    body.put("late", due.late());
    body.put("url", text.reviewUrl(due.tenant(), due.workday()));
    body.set("targets", JSON.valueToTree(targets));
    body.put("changesSince", changesSince.toString());
    ArrayNode hotRows = body.putArray("hot");
    hot.forEach(q -> hotRows.add(hot(q)));
    ArrayNode findings = body.putArray("findings");
    // Applied advice stays listed while its before/after comparison goes on: "did it work" is morning news too.
    all.stream().filter(r -> r.finding().state() == FindingState.ACTIVE || r.finding().state() == FindingState.APPLIED)
        .forEach(r -> findings.add(finding(r)));
    ObjectNode changes = body.putObject("changes");
    ArrayNode appeared = changes.putArray("new");
    ArrayNode resolved = changes.putArray("resolved");
    for (FindingRow r : all) {
      Finding f = r.finding();
      if (f.state() == FindingState.ACTIVE && !f.since().isBefore(changesSince)) {
        appeared.add(finding(r));
      } else if (f.resolvedAt().filter(at -> !at.isBefore(changesSince)).isPresent()) {
        resolved.add(finding(r));
      }
    }
    ArrayNode forecast = body.putArray("forecast");
    TenantSettings settings = tenants.settingsFor(due.tenant());
    Instant workdayStart = ZonedDateTime.of(due.workday(), settings.workdayStart(), settings.timezone()).toInstant();
    for (String target : targets) {
      forecasts.apply(target, workdayStart).ifPresent(f -> {
        ObjectNode n = JSON.valueToTree(f);
        n.put("target", target);
        forecast.add(n);
      });
    }
    String json = write(body);
    AlertWrites morning = policy.morning(open);
    List<dev.earlybird.history.NewNotification> notifications = new ArrayList<>(morning.notifications());
    notifications.addAll(policy.digest(id, due.tenant(), json));
    StoredReview stored = new StoredReview(id, due.tenant(), due.workday(), due.scheduledFor(), now, due.late(), json);
    reviews.record(stored, new AlertWrites(morning.alerts(), notifications));
    return stored;
  }

  private static ObjectNode hot(HotQuery q) {
    ObjectNode n = JSON.createObjectNode();
    n.put("target", q.target());
    n.put("database", q.database());
    n.put("queryId", Long.toString(q.queryId()));
    String query = q.query();
    n.put("query", query == null || query.length() <= QUERY_CHARS ? query
        : query.substring(0, query.offsetByCodePoints(0, Math.min(QUERY_CHARS, query.codePointCount(0, query.length()))))
            + "…");
    n.put("calls", q.calls());
    n.put("meanMs", round(q.meanMs()));
    n.put("cpuMs", round(q.cpuMs()));
    n.put("cpuSource", q.cpuSource().label());
    n.put("sharePct", round(q.sharePct()));
    if (q.baselineMeanMs() != null) {
      n.put("baselineMeanMs", round(q.baselineMeanMs()));
    } else {
      n.putNull("baselineMeanMs");
    }
    if (q.changePct() != null) {
      n.put("changePct", round(q.changePct()));
    } else {
      n.putNull("changePct");
    }
    return n;
  }

  private static ObjectNode finding(FindingRow r) {
    return Payloads.finding(r.finding());
  }


  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  private static String write(Object doc) {
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a review", e);
    }
  }
}
