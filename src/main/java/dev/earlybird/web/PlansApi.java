package dev.earlybird.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.earlybird.analysis.PlanDiff;
import dev.earlybird.analysis.PlanShape;
import dev.earlybird.history.AdvisorStore;
import dev.earlybird.history.StatementRef;
import dev.earlybird.history.StoredPlan;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import java.time.Instant;
import java.util.List;

/**
 * A statement's generic plans ({@code GET /api/v1/queries/{target}/{database}/{queryId}/plans}) and what a
 * regression's plan change was. Plans come from the statement's text with {@code $n} placeholders, never from a
 * parameter value.
 */
public final class PlansApi {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = Json.mapper();
  private final AdvisorStore advisor;

  public PlansApi(AdvisorStore advisor) {
    this.advisor = advisor;
  }

  /**
   * One shape of the statement's plan.
   *
   * @param nodes the plan in lines a DBA reads: node type, relation, index, filter, indented by depth
   * @param plan the EXPLAIN (VERBOSE, FORMAT JSON) output
   */
  public record PlanJson(String shapeHash, Instant firstSeen, Instant lastSeen, double totalCost, List<String> nodes,
      JsonNode plan) {}

  /** Why the latest attempt produced no plan. */
  public record SkippedJson(String reason, String detail, Instant at) {}

  public record PlansJson(String target, String database, String queryId, List<PlanJson> plans, SkippedJson skipped) {}

  /**
   * A regression whose statement's plan shape changed: the shape before, the shape now, and the nodes that differ.
   */
  public record PlanChangeJson(String beforeShapeHash, String afterShapeHash, Instant changedBy, List<String> changed,
      List<String> before, List<String> after) {}

  PlansJson plans(String target, String database, long dbId, long queryId) {
    StatementRef ref = new StatementRef(target, dbId, queryId);
    List<PlanJson> plans = advisor.plans(ref).stream().map(PlansApi::json).toList();
    SkippedJson skipped = advisor.lastAttempt(ref).filter(a -> !a.planned())
        .map(a -> new SkippedJson(a.outcome(), a.detail(), a.at())).orElse(null);
    return new PlansJson(target, database, Long.toString(queryId), plans, skipped);
  }

  /**
   * For a regression: how the plan changed, when the latest shape differs from the one before it; null when the plan
   * did not change (or was captured only once).
   */
  PlanChangeJson planChange(Finding f) {
    if (f.kind() != FindingKind.REGRESSION) {
      return null;
    }
    List<StoredPlan> plans = advisor.plans(new StatementRef(f.target(), f.dbId(), f.queryId()));
    if (plans.size() < 2) {
      return null;
    }
    StoredPlan after = plans.get(0);
    StoredPlan before = plans.get(1);
    PlanShape a = parse(after.json());
    PlanShape b = parse(before.json());
    if (a == null || b == null) {
      return null;
    }
    return new PlanChangeJson(before.shapeHash(), after.shapeHash(), after.firstSeen(), PlanDiff.between(b, a),
        lines(b), lines(a));
  }

  private static PlanJson json(StoredPlan p) {
    PlanShape shape = parse(p.json());
    JsonNode tree;
    try {
      tree = JSON.readTree(p.json());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      tree = null;
    }
    return new PlanJson(p.shapeHash(), p.firstSeen(), p.lastSeen(), Api.round(p.totalCost()),
        shape == null ? List.of() : lines(shape), tree);
  }

  private static PlanShape parse(String json) {
    try {
      return PlanShape.parse(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** "  -> Seq Scan on public.orders o  Filter: (o.customer_id = $1)" per node, indented by depth. */
  static List<String> lines(PlanShape shape) {
    return shape.nodes().stream().map(n -> {
      StringBuilder b = new StringBuilder("  ".repeat(n.depth()));
      if (n.depth() > 0) {
        b.append("-> ");
      }
      b.append(n.nodeType());
      if (n.index() != null) {
        b.append(" using ").append(n.index());
      }
      if (n.qualifiedRelation() != null) {
        b.append(" on ").append(n.qualifiedRelation());
        if (n.alias() != null && !n.alias().equals(n.relation())) {
          b.append(' ').append(n.alias());
        }
      }
      b.append(String.format(java.util.Locale.ROOT, "  (cost %.2f, rows %.0f)", n.totalCost(), n.rows()));
      if (n.indexCond() != null) {
        b.append("  Index Cond: ").append(n.indexCond());
      }
      if (n.filter() != null) {
        b.append("  Filter: ").append(n.filter());
      }
      return b.toString();
    }).toList();
  }
}
