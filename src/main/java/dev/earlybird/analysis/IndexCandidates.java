package dev.earlybird.analysis;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.RelationStats;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Index ideas from a plan, the way Dexter makes them but from the server's plan instead of parsed SQL: for each
 * sequential scan of a large table with a selective filter, single-column and two-column btree indexes on the filter's
 * columns (equality first, since a btree serves equality-then-range and not the other way round), minus those an
 * existing index already serves. Pure; HypoPG decides afterwards which of them the planner would use.
 */
public final class IndexCandidates {
  /** Below this many rows a sequential scan is cheap enough that no index is worth its writes. */
  public static final long DEFAULT_MIN_ROWS = 10_000;
  /**
   * A filter that keeps more of the table than this is not selective: the planner estimates the rows after the whole
   * filter, so no index on part of it selects fewer, and reading that share through an index costs more than the
   * sequential scan.
   */
  static final double MAX_SELECTED_SHARE = 0.1;
  /** Per scan: HypoPG tries each one in the statement's database, so few. */
  static final int MAX_PER_SCAN = 3;

  private IndexCandidates() {}

  /** Candidates in plan order, at most {@value #MAX_PER_SCAN} per scan, without duplicates. */
  public static List<IndexCandidate> of(PlanShape plan, DatabaseCatalog catalog, long minRows) {
    Set<List<String>> seen = new LinkedHashSet<>();
    List<IndexCandidate> out = new ArrayList<>();
    for (PlanNode scan : plan.filteringScans()) {
      if (scan.schema() == null || scan.relation() == null || scan.filter() == null) {
        continue;
      }
      Optional<RelationStats> rel = catalog.relation(scan.schema(), scan.relation());
      if (rel.isEmpty() || !rel.get().kind().equals("r")) {
        continue; // views, foreign and partitioned parents: HypoPG indexes base tables only
      }
      double rows = rows(rel.get());
      if (rows < minRows || scan.rows() > MAX_SELECTED_SHARE * rows) {
        continue;
      }
      FilterColumns filter = FilterColumns.of(scan.filter(), scan.alias() != null ? scan.alias() : scan.relation());
      List<IndexDef> existing = catalog.indexesOn(scan.schema(), scan.relation());
      int taken = 0;
      for (List<String> columns : columnSets(filter)) {
        if (taken == MAX_PER_SCAN) {
          break;
        }
        List<String> key = new ArrayList<>(List.of(scan.schema(), scan.relation()));
        key.addAll(columns);
        if (covered(existing, columns) || !seen.add(key)) {
          continue;
        }
        out.add(IndexCandidate.of(scan.schema(), scan.relation(), columns, filter, rows, scan.rows()));
        taken++;
      }
    }
    return out;
  }

  /** The planner's row count: reltuples, or the live rows where the table was never analyzed (reltuples -1). */
  static double rows(RelationStats r) {
    return r.reltuples() >= 0 ? r.reltuples() : r.nLiveTup();
  }

  /**
   * The first pair (the most selective shape a btree serves), then each column alone, then the other pairs; a pair
   * starts with an equality column.
   */
  static List<List<String>> columnSets(FilterColumns filter) {
    List<List<String>> pairs = new ArrayList<>();
    List<String> all = filter.all();
    for (String first : filter.equality()) {
      for (String second : all.subList(all.indexOf(first) + 1, all.size())) {
        pairs.add(List.of(first, second));
      }
    }
    List<List<String>> out = new ArrayList<>();
    if (!pairs.isEmpty()) {
      out.add(pairs.get(0));
    }
    all.forEach(c -> out.add(List.of(c)));
    if (pairs.size() > 1) {
      out.addAll(pairs.subList(1, pairs.size()));
    }
    return out;
  }

  /** Whether an existing index starts with these columns (its catalog may print them quoted). */
  static boolean covered(List<IndexDef> existing, List<String> columns) {
    List<String> quoted = columns.stream().map(Identifiers::quote).toList();
    return existing.stream().anyMatch(i -> i.covers(columns) || i.covers(quoted));
  }
}
