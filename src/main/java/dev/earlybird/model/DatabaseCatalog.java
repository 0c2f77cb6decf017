package dev.earlybird.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the advisor read of one database's catalog at one instant: its tables and their statistics, its indexes,
 * whether HypoPG is there to try an index without building it, and how much the system catalogs churn (temporary
 * tables created and dropped leave dead rows in {@code pg_class} and {@code pg_attribute}).
 *
 * @param hypopgSchema the schema HypoPG's functions live in (they are called qualified by it); empty when the
 *     extension is not created in this database
 * @param truncated the database has more tables or indexes than the advisor reads; drift is not judged on it
 */
public record DatabaseCatalog(
    String target,
    long dbId,
    String database,
    Instant readAt,
    List<RelationStats> relations,
    List<IndexDef> indexes,
    Optional<String> hypopgSchema,
    CatalogChurn churn,
    boolean truncated) {

  public DatabaseCatalog {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(readAt, "readAt");
    relations = List.copyOf(relations);
    indexes = List.copyOf(indexes);
    Objects.requireNonNull(hypopgSchema, "hypopgSchema");
    Objects.requireNonNull(churn, "churn");
  }

  /** The table {@code schema.table}, if the catalog has it. */
  public Optional<RelationStats> relation(String schema, String table) {
    return relations.stream().filter(r -> r.schema().equals(schema) && r.table().equals(table)).findFirst();
  }

  /** The indexes on {@code schema.table}. */
  public List<IndexDef> indexesOn(String schema, String table) {
    return indexes.stream().filter(i -> i.schema().equals(schema) && i.table().equals(table)).toList();
  }

  /**
   * Cumulative activity on the system catalogs that temporary tables churn ({@code pg_stat_sys_tables}); counters
   * since the statistics were last reset.
   *
   * @param pgClassInserts rows inserted into pg_class (one per table, index, sequence, … created)
   * @param pgAttributeInserts rows inserted into pg_attribute (one per column of each relation created, plus system
   *     columns)
   * @param deadTuples dead rows now in pg_class and pg_attribute together
   */
  public record CatalogChurn(long pgClassInserts, long pgAttributeInserts, long deadTuples) {
    public static final CatalogChurn NONE = new CatalogChurn(0, 0, 0);
  }
}
