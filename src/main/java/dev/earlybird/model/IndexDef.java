package dev.earlybird.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One index of a monitored database, as its catalog describes it. What makes two indexes "the same" across the
 * databases of a fleet is the {@link #signature()}: table, method, key columns in order and predicate; names differ
 * from database to database and do not count.
 *
 * @param schema the table's schema
 * @param name the index's name in its database
 * @param method access method: {@code btree}, {@code hash}, {@code gin}, …
 * @param columns key columns in order; an expression key is its text in parentheses, e.g. {@code (lower(email))}
 * @param include the non-key columns of {@code INCLUDE}
 * @param predicate the WHERE of a partial index as {@code pg_get_expr} prints it; null for a full index
 * @param valid false while {@code CREATE INDEX CONCURRENTLY} builds it or after it failed: the planner ignores it
 */
public record IndexDef(
    String schema,
    String table,
    String name,
    String method,
    List<String> columns,
    List<String> include,
    String predicate,
    boolean unique,
    boolean valid) {

  public IndexDef {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    columns = List.copyOf(columns);
    include = List.copyOf(include);
  }

  /** {@code schema.table} */
  public String qualifiedTable() {
    return schema + "." + table;
  }

  /**
   * What identifies the index across same-schema databases: e.g. {@code public.orders btree (customer_id, status)
   * WHERE (status <> 'done'::text)}; unique indexes say so. Not its name.
   */
  public String signature() {
    return qualifiedTable() + " " + (unique ? "unique " : "") + method.toLowerCase(Locale.ROOT) + " ("
        + String.join(", ", columns) + ")" + (include.isEmpty() ? "" : " include (" + String.join(", ", include) + ")")
        + (predicate == null ? "" : " WHERE " + predicate);
  }

  /**
   * Whether a valid, full btree index has {@code leading} as its first key columns, in that order: such an index
   * already serves lookups on those columns, so a new one on them would be redundant.
   */
  public boolean covers(List<String> leading) {
    if (!valid || predicate != null || !method.equalsIgnoreCase("btree") || leading.isEmpty()
        || leading.size() > columns.size()) {
      return false;
    }
    return columns.subList(0, leading.size()).equals(leading);
  }
}
