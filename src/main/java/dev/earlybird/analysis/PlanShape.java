package dev.earlybird.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a plan is made of, read from {@code EXPLAIN (FORMAT JSON)}: its nodes in tree order, the planner's total
 * cost, and a hash of its shape. The shape is what stays the same while data grows (node types, join types,
 * relations and indexes, and where in the tree each sits) and leaves out what moves with every ANALYZE (costs, rows,
 * widths) and the conditions' text; so two plans of one shape hash equal, and a plan that flips from an index scan
 * to a sequential scan hashes differently.
 *
 * @param hash 16 hex digits (64 bits) of SHA-256 over the shape
 * @param queryId the plan's "Query Identifier" (PostgreSQL 14+ with compute_query_id): equal to the statement's
 *     queryid only when the text was resolved against the same objects, so a mismatch says the plan is of another
 *     statement (another schema on the search path, say)
 */
public record PlanShape(List<PlanNode> nodes, double totalCost, String hash, OptionalLong queryId) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public PlanShape {
    nodes = List.copyOf(nodes);
    java.util.Objects.requireNonNull(queryId, "queryId (use OptionalLong.empty())");
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a plan has at least one node");
    }
  }

  /**
   * Reads the output of {@code EXPLAIN (FORMAT JSON)}: an array with one object whose {@code Plan} is the root.
   *
   * @throws IllegalArgumentException if {@code explainJson} is not such a document
   */
  public static PlanShape parse(String explainJson) {
    JsonNode root;
    try {
      root = JSON.readTree(explainJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not EXPLAIN JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode plan = root == null ? null : root.path(0).get("Plan");
    if (plan == null || !plan.isObject()) {
      throw new IllegalArgumentException("not EXPLAIN JSON: no Plan in the first element");
    }
    List<PlanNode> nodes = new ArrayList<>();
    flatten(plan, 0, nodes);
    JsonNode id = root.path(0).get("Query Identifier");
    OptionalLong queryId = id != null && id.canConvertToLong() ? OptionalLong.of(id.asLong()) : OptionalLong.empty();
    return new PlanShape(nodes, nodes.get(0).totalCost(), hash(nodes), queryId);
  }

  /** The nodes that read a whole relation, with the filter each applies. */
  public List<PlanNode> sequentialScans() {
    return nodes.stream().filter(PlanNode::sequentialScan).toList();
  }

  /**
   * The nodes that read a whole relation and filter it row by row: sequential scans, and index scans without an
   * index condition (the planner walks a whole index for its order, e.g. for ORDER BY … LIMIT, and filters every row
   * it reaches: just as costly when the filter is selective).
   */
  public List<PlanNode> filteringScans() {
    return nodes.stream().filter(n -> n.sequentialScan() || n.fullIndexScan()).toList();
  }

  private static void flatten(JsonNode plan, int depth, List<PlanNode> into) {
    into.add(new PlanNode(
        depth,
        plan.path("Node Type").asText(),
        text(plan, "Operation"),
        text(plan, "Join Type"),
        text(plan, "Schema"),
        text(plan, "Relation Name"),
        text(plan, "Alias"),
        text(plan, "Index Name"),
        text(plan, "Filter"),
        plan.has("Index Cond") ? text(plan, "Index Cond") : text(plan, "Recheck Cond"),
        plan.path("Startup Cost").asDouble(),
        plan.path("Total Cost").asDouble(),
        plan.path("Plan Rows").asDouble()));
    for (JsonNode child : plan.path("Plans")) {
      flatten(child, depth + 1, into);
    }
  }

  private static String text(JsonNode plan, String field) {
    JsonNode v = plan.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** One line per node of what makes the shape; fields a node lacks are empty, so positions never shift. */
  static String shapeText(List<PlanNode> nodes) {
    var b = new StringBuilder();
    for (PlanNode n : nodes) {
      b.append(n.depth()).append('|').append(n.nodeType())
          .append('|').append(orEmpty(n.operation()))
          .append('|').append(orEmpty(n.joinType()))
          .append('|').append(orEmpty(n.schema()))
          .append('|').append(orEmpty(n.relation()))
          .append('|').append(orEmpty(n.index()))
          .append('\n');
    }
    return b.toString();
  }

  private static String hash(List<PlanNode> nodes) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(shapeText(nodes).getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
