package dev.earlybird.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two plans of one statement, in the words EXPLAIN uses: how each relation is read ("Index
 * Scan using orders_customer_idx on public.orders → Seq Scan on public.orders") and which joins, sorts and
 * aggregates came or went. The first question a DBA asks about a regression whose plan flipped. Pure; at most
 * {@value #MAX_LINES} lines.
 */
public final class PlanDiff {
  static final int MAX_LINES = 10;
  static final String ARROW = " → ";

  private PlanDiff() {}

  public static List<String> between(PlanShape before, PlanShape after) {
    List<String> lines = new ArrayList<>();
    Map<String, String> was = scans(before.nodes());
    Map<String, String> now = scans(after.nodes());
    Set<String> relations = new LinkedHashSet<>(was.keySet());
    relations.addAll(now.keySet());
    for (String r : relations) {
      String a = was.get(r);
      String b = now.get(r);
      if (!Objects.equals(a, b)) {
        lines.add((a == null ? "(not read) " + r : a) + ARROW + (b == null ? "(not read) " + r : b));
      }
    }
    lines.addAll(otherChanges(others(before.nodes()), others(after.nodes())));
    if (lines.size() > MAX_LINES) {
      int more = lines.size() - (MAX_LINES - 1);
      lines = new ArrayList<>(lines.subList(0, MAX_LINES - 1));
      lines.add("… and " + more + " more changes");
    }
    return List.copyOf(lines);
  }

  /** How each relation (by name and alias) is read; a relation read twice under one alias keeps its first scan. */
  private static Map<String, String> scans(List<PlanNode> nodes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      PlanNode n = nodes.get(i);
      if (n.relation() != null) {
        out.putIfAbsent(relation(n), describeScan(nodes, i));
      }
    }
    return out;
  }

  private static String relation(PlanNode n) {
    String name = n.qualifiedRelation();
    return n.alias() == null || n.alias().equals(n.relation()) ? name : name + " " + n.alias();
  }

  private static String describeScan(List<PlanNode> nodes, int i) {
    PlanNode n = nodes.get(i);
    List<String> indexes = new ArrayList<>();
    if (n.index() != null) {
      indexes.add(n.index());
    }
    // A bitmap heap scan's indexes are on its Bitmap Index Scan children.
    for (int j = i + 1; j < nodes.size() && nodes.get(j).depth() > n.depth(); j++) {
      if (bitmapPart(nodes.get(j)) && nodes.get(j).index() != null) {
        indexes.add(nodes.get(j).index());
      }
    }
    String using = indexes.isEmpty() ? "" : " using " + String.join(", ", indexes);
    return n.nodeType() + using + " on " + relation(n);
  }

  private static boolean bitmapPart(PlanNode n) {
    return n.nodeType().equals("Bitmap Index Scan") || n.nodeType().equals("BitmapAnd")
        || n.nodeType().equals("BitmapOr");
  }

  /** The nodes that read no relation themselves (joins, sorts, aggregates, …), in tree order. */
  private static List<String> others(List<PlanNode> nodes) {
    return nodes.stream().filter(n -> n.relation() == null && !bitmapPart(n))
        .map(n -> n.nodeType() + (n.joinType() == null ? "" : " (" + n.joinType() + ")")
            + (n.operation() == null ? "" : " (" + n.operation() + ")"))
        .toList();
  }

  /** A longest-common-subsequence diff; removed and added nodes side by side pair up as "was → is". */
  private static List<String> otherChanges(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> added = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        flush(removed, added, out);
        i++;
        j++;
      } else if (j >= b.size() || (i < a.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
        removed.add(a.get(i++));
      } else {
        added.add(b.get(j++));
      }
    }
    flush(removed, added, out);
    return out;
  }

  private static void flush(List<String> removed, List<String> added, List<String> out) {
    for (int k = 0; k < Math.max(removed.size(), added.size()); k++) {
      out.add((k < removed.size() ? removed.get(k) : "(none)") + ARROW + (k < added.size() ? added.get(k) : "(none)"));
    }
    removed.clear();
    added.clear();
  }
}
