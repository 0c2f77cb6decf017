package dev.earlybird.analysis;

import java.util.Objects;

/**
 * One node of an EXPLAIN plan, flattened: its place in the tree is {@code depth} (0 for the root) in the tree's
 * order. Text fields the node does not have are null; estimates are the planner's, never measured.
 *
 * @param nodeType e.g. "Seq Scan", "Index Scan", "Hash Join", "ModifyTable"
 * @param operation of a ModifyTable node: "Insert", "Update", "Delete", "Merge"
 * @param joinType of a join node: "Inner", "Left", …
 * @param filter the condition applied to each row read, as the server prints it (VERBOSE: qualified columns)
 * @param indexCond the condition an index scan looks up (for a bitmap heap scan, its recheck condition)
 */
public record PlanNode(
    int depth,
    String nodeType,
    String operation,
    String joinType,
    String schema,
    String relation,
    String alias,
    String index,
    String filter,
    String indexCond,
    double startupCost,
    double totalCost,
    double rows) {

  public PlanNode {
    Objects.requireNonNull(nodeType, "nodeType");
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be >= 0: " + depth);
    }
  }

  /** Whether this node reads a whole relation (parallel or not). */
  public boolean sequentialScan() {
    return nodeType.equals("Seq Scan");
  }

  /** Whether this node walks a whole index (no index condition) and filters what it reaches. */
  public boolean fullIndexScan() {
    return (nodeType.equals("Index Scan") || nodeType.equals("Index Only Scan")) && indexCond == null
        && filter != null;
  }

  /** {@code schema.relation}, or just the relation where the plan has no schema; null if the node reads none. */
  public String qualifiedRelation() {
    if (relation == null) {
      return null;
    }
    return schema == null ? relation : schema + "." + relation;
  }
}
