package dev.earlybird.web;

import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.FindingRow;
import dev.earlybird.history.FindingStore;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/advice} and the data of the {@code /advice} page: the advisor's advice across the fleet, one
 * row per piece of advice however many databases it concerns (300 tenants lacking the same index are one row with
 * the count), its databases on demand ({@code group}). Advice is the same when the rule and what it would change
 * are: the DDL, else the statement family, else the advice's summary (a setting).
 */
public final class AdviceApi {
  /** Advice findings read at most: every open piece of advice of a large fleet, grouped in memory. */
  static final int MAX_READ = 100_000;
  static final List<String> STATES = List.of("active", "applied", "resolved");

  private final FindingStore store;

  AdviceApi(FindingStore store) {
    this.store = store;
  }

  /** One database (or target, for a setting) the advice concerns. */
  public record MemberJson(
      String target, String database, String tenant, String queryId, String state, String verdict,
      Double reductionPct, String summary) {
    static MemberJson of(Finding f) {
      Evidence.Advice a = (Evidence.Advice) f.evidence();
      return new MemberJson(f.target(), f.database(), f.tenant(), f.queryId() == 0 ? null : Long.toString(f.queryId()),
          f.state().label(), a.applied() == null ? null : a.applied().verdict(),
          a.hypothetical() == null ? null : a.hypothetical().reductionPct(), f.summary());
    }
  }

  /**
   * What hypothetical indexes (HypoPG) showed: in how many databases one was tried, and the smallest and largest
   * fall of the planner's cost.
   */
  public record ProofJson(int tried, double minReductionPct, double maxReductionPct) {}

  /**
   * One piece of advice.
   *
   * @param id what {@code group} takes to list its databases
   * @param subject what it is about: the table or index its DDL builds, else its summary
   * @param verdicts per verdict of applied advice ({@code improved}, {@code not_improved}, {@code pending}), how many
   * @param members its databases, only when {@code group} asks for them
   */
  public record GroupJson(
      String id, String rule, String subject, String ddl, String advice, int databases, int targets, int active,
      int applied, int resolved, Map<String, Integer> verdicts, ProofJson hypothetical, List<MemberJson> members) {}

  public record AdviceJson(List<GroupJson> advice, String nextCursor, String prevCursor) {}

  void list(Context ctx) {
    Paging.Page<GroupJson> page = page(ctx);
    ctx.json(new AdviceJson(page.rows(), page.nextCursor(), page.prevCursor()));
  }

  /** One page of advice groups in (rule, id) order, a stable order that new advice never shifts. */
  Paging.Page<GroupJson> page(Context ctx) {
    Optional<String> state = FindingsApi.param(ctx, "state");
    if (state.isPresent() && !STATES.contains(state.get())) {
      throw new BadRequest("'state' must be one of " + String.join(", ", STATES) + ", got '" + state.get() + "'");
    }
    Optional<String> rule = FindingsApi.param(ctx, "rule");
    Optional<String> group = FindingsApi.param(ctx, "group");
    Paging<List<String>> paging = Paging.of(ctx, "advice", KEY);
    FindingFilter filter = new FindingFilter(Optional.of(FindingKind.ADVICE), Optional.empty(),
        FindingsApi.param(ctx, "target"), FindingsApi.param(ctx, "tenant"), MAX_READ);
    Map<String, List<Finding>> byGroup = new LinkedHashMap<>();
    for (FindingRow row : store.findings(filter)) {
      Finding f = row.finding();
      Evidence.Advice a = (Evidence.Advice) f.evidence();
      boolean shown = state.map(s -> s.equals(f.state().label())).orElse(f.state() != FindingState.RESOLVED);
      if (shown && rule.map(a.rule()::equals).orElse(true)) {
        byGroup.computeIfAbsent(id(f), k -> new ArrayList<>()).add(f);
      }
    }
    List<GroupJson> groups = byGroup.entrySet().stream()
        .filter(e -> group.map(e.getKey()::equals).orElse(true))
        .map(e -> group(e.getKey(), e.getValue(), group.isPresent()))
        .toList();
    return paging.slice(groups, g -> List.of(g.rule(), g.id()), ORDER);
  }

  private static final Comparator<List<String>> ORDER =
      Comparator.<List<String>, String>comparing(k -> k.get(0)).thenComparing(k -> k.get(1));

  private static final Paging.Codec<List<String>> KEY = new Paging.Codec<>(2, k -> k, p -> p);

  private static GroupJson group(String id, List<Finding> findings, boolean withMembers) {
    Finding first = findings.getFirst();
    Evidence.Advice a = (Evidence.Advice) first.evidence();
    Map<String, Integer> verdicts = new LinkedHashMap<>();
    int active = 0, applied = 0, resolved = 0, tried = 0;
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    java.util.Set<String> databases = new java.util.HashSet<>(), targets = new java.util.HashSet<>();
    for (Finding f : findings) {
      Evidence.Advice e = (Evidence.Advice) f.evidence();
      switch (f.state()) {
        case ACTIVE -> active++;
        case APPLIED -> applied++;
        default -> resolved++;
      }
      if (e.applied() != null) {
        verdicts.merge(e.applied().verdict(), 1, Integer::sum);
      }
      if (e.hypothetical() != null) {
        tried++;
        min = Math.min(min, e.hypothetical().reductionPct());
        max = Math.max(max, e.hypothetical().reductionPct());
      }
      targets.add(f.target());
      databases.add(f.target() + "/" + (f.database() == null ? "" : f.database()));
    }
    return new GroupJson(id, a.rule(), subject(first, a), a.ddl(), a.advice(), databases.size(), targets.size(),
        active, applied, resolved, verdicts, tried == 0 ? null : new ProofJson(tried, min, max),
        withMembers ? findings.stream().map(MemberJson::of).toList() : null);
  }

  /** The table or index a DDL builds ("ON public.orders (customer_id)"), else the advice's summary. */
  static String subject(Finding f, Evidence.Advice a) {
    if (a.ddl() != null) {
      int on = a.ddl().indexOf(" ON ");
      return on >= 0 ? a.ddl().substring(on + 4).strip() : a.ddl();
    }
    return f.summary();
  }

  /** The same advice in every database: rule and what it changes, hashed to a short id for URLs. */
  static String id(Finding f) {
    Evidence.Advice a = (Evidence.Advice) f.evidence();
    String what = a.ddl() != null ? "ddl:" + a.ddl() : f.family() != null ? "family:" + f.family() : "summary:" + f.summary();
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(
          (a.rule() + "\u0000" + what).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
