package dev.earlybird.web;

import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.FindingRow;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code GET /api/v1/findings} and the data of the {@code /findings} page. */
public final class FindingsApi {
  private final HistoryStore store;
  /** Null: no advisor store, no plan changes. */
  private final PlansApi plans;

  public FindingsApi(HistoryStore store) {
    this(store, null);
  }

  public FindingsApi(HistoryStore store, PlansApi plans) {
    this.store = store;
    this.plans = plans;
  }

  HistoryStore store() {
    return store;
  }

  FindingJson json(FindingRow row) {
    return FindingJson.of(row, plans);
  }

  public record FindingJson(
      String id,
      String fingerprint,
      String kind,
      String severity,
      String state,
      String target,
      String database,
      String tenant,
      String queryId,
      String family,
      String query,
      String summary,
      Instant since,
      Instant lastSeen,
      Instant resolvedAt,
      @com.fasterxml.jackson.annotation.JsonIgnore Evidence evidence,
      @com.fasterxml.jackson.annotation.JsonIgnore PlansApi.PlanChangeJson planChange) {
    private static final com.fasterxml.jackson.databind.ObjectMapper EVIDENCE = Json.mapper();

    /**
     * The evidence as the API shows it: the finding's own numbers, and for a regression whose plan shape changed,
     * {@code planChange} (the plan before, after, and the nodes that changed), which is what a DBA asks first.
     */
    @com.fasterxml.jackson.annotation.JsonProperty("evidence")
    public com.fasterxml.jackson.databind.JsonNode evidenceJson() {
      com.fasterxml.jackson.databind.node.ObjectNode e = EVIDENCE.valueToTree(evidence);
      if (planChange != null) {
        e.set("planChange", EVIDENCE.valueToTree(planChange));
      }
      return e;
    }

    static FindingJson of(FindingRow row, PlansApi plans) {
      Finding f = row.finding();
      return new FindingJson(f.id(), f.fingerprint(), f.kind().label(), f.severity().yamlName(), f.state().label(),
          f.target(), f.database(), f.tenant(), Long.toString(f.queryId()), f.family(), row.query(), f.summary(),
          f.since(), f.lastSeen(), f.resolvedAt().orElse(null), f.evidence(),
          plans == null ? null : plans.planChange(f));
    }
  }

  /** @param nextCursor pass as {@code cursor} for the next page; null on the last. {@code prevCursor} likewise */
  record FindingsJson(List<FindingJson> findings, String nextCursor, String prevCursor) {}

  /**
   * Without a {@code limit} the API's page is 1,000 findings, as many as the list returned whole before it paged,
   * so a script written then still sees everything it saw; the page for people shows 100.
   */
  void list(Context ctx) {
    Paging.Page<FindingRow> page = page(ctx, Api.MAX_LIMIT);
    ctx.json(new FindingsJson(page.rows().stream().map(this::json).toList(), page.nextCursor(), page.prevCursor()));
  }

  /** One page of the findings the request asks for, in the store's order (open first, most severe, newest). */
  Paging.Page<FindingRow> page(Context ctx) {
    return page(ctx, 100);
  }

  private Paging.Page<FindingRow> page(Context ctx, int defaultLimit) {
    FindingFilter base = filter(ctx);
    Paging<FindingFilter.Seek> paging = Paging.of(ctx, "findings", SEEK, defaultLimit);
    FindingFilter f = new FindingFilter(base.kind(), base.state(), base.target(), base.tenant(), base.severity(),
        paging.key().map(k -> new FindingFilter.Seek(k.state(), k.severity(), k.lastSeen(), k.id(), paging.before())),
        paging.fetch());
    return paging.page(store.findings(f), FindingsApi::seek);
  }

  private static FindingFilter.Seek seek(FindingRow row) {
    Finding f = row.finding();
    return new FindingFilter.Seek(f.state(), f.severity(), f.lastSeen(), f.id(), false);
  }

  /** A finding's place in the order: state, severity, last seen (to the microsecond, as stored) and id. */
  private static final Paging.Codec<FindingFilter.Seek> SEEK = new Paging.Codec<>(4,
      k -> List.of(k.state().label(), k.severity().yamlName(), k.lastSeen().toString(), k.id()),
      p -> new FindingFilter.Seek(FindingState.parse(p.get(0)), Severity.valueOf(p.get(1).toUpperCase(Locale.ROOT)),
          Instant.parse(p.get(2)), p.get(3), false));

  static FindingFilter filter(Context ctx) {
    Optional<FindingKind> kind = param(ctx, "kind").map(k -> parse(k, "kind", FindingKind.values(), FindingKind::label));
    Optional<FindingState> state = param(ctx, "state").map(s -> {
      FindingState parsed = parse(s, "state", FindingState.values(), FindingState::label);
      if (parsed == FindingState.PENDING) {
        throw new BadRequest("'state' must be active, applied or resolved, got '" + s + "'");
      }
      return parsed;
    });
    Optional<Severity> severity =
        param(ctx, "severity").map(s -> parse(s, "severity", Severity.values(), Severity::yamlName));
    return new FindingFilter(kind, state, param(ctx, "target"), param(ctx, "tenant"), severity, Optional.empty(),
        Api.MAX_LIMIT);
  }

  static Optional<String> param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static <E extends Enum<E>> E parse(
      String value, String name, E[] values, java.util.function.Function<E, String> label) {
    for (E e : values) {
      if (label.apply(e).equals(value.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new BadRequest("'" + name + "' must be one of "
        + Arrays.stream(values).map(label).filter(l -> !l.equals("pending")).collect(Collectors.joining(", "))
        + ", got '" + value + "'");
  }
}
