package dev.earlybird.analysis;

import java.util.List;
import java.util.Objects;

/**
 * A btree index that might replace a sequential scan, from the columns the scan's filter looks up.
 *
 * @param schema the table's schema, unquoted
 * @param table the table, unquoted
 * @param columns key columns in order (equality before range), unquoted
 * @param ddl what a DBA runs: {@code CREATE INDEX CONCURRENTLY ON schema.table (cols)}, identifiers quoted as needed
 * @param hypotheticalDdl what HypoPG is given ({@code hypopg_create_index} takes a plain CREATE INDEX)
 * @param filter the scan's filter columns (all of them, not just this candidate's)
 * @param tableRows the table's rows as the planner knows them
 * @param scanRows the rows the planner expects the scan to return after its filter
 */
public record IndexCandidate(
    String schema,
    String table,
    List<String> columns,
    String ddl,
    String hypotheticalDdl,
    FilterColumns filter,
    double tableRows,
    double scanRows) {

  public IndexCandidate {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    columns = List.copyOf(columns);
    Objects.requireNonNull(ddl, "ddl");
    Objects.requireNonNull(hypotheticalDdl, "hypotheticalDdl");
    Objects.requireNonNull(filter, "filter");
  }

  static IndexCandidate of(String schema, String table, List<String> columns, FilterColumns filter, double tableRows,
      double scanRows) {
    String cols = String.join(", ", columns.stream().map(Identifiers::quote).toList());
    String on = Identifiers.qualified(schema, table);
    return new IndexCandidate(schema, table, columns, "CREATE INDEX CONCURRENTLY ON " + on + " (" + cols + ")",
        "CREATE INDEX ON " + on + " USING btree (" + cols + ")", filter, tableRows, scanRows);
  }

  /** {@code schema.table (cols)} for texts, quoted as needed. */
  public String describe() {
    return Identifiers.qualified(schema, table) + " ("
        + String.join(", ", columns.stream().map(Identifiers::quote).toList()) + ")";
  }
}
