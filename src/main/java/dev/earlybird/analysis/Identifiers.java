package dev.earlybird.analysis;

import java.util.Set;

/**
 * SQL identifiers as advice prints them: quoted only when PostgreSQL needs it ({@code quote_ident}'s rule: lower
 * case letters, digits, underscores and not a keyword), so {@code public.orders} stays readable and
 * {@code public."Orders"} still runs.
 */
final class Identifiers {
  /** Keywords quote_ident quotes (reserved, type/function-name and column-name keywords); quoting more is harmless. */
  private static final Set<String> KEYWORDS = Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
      "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
      "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
      "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec",
      "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract",
      "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping",
      "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is",
      "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime", "localtimestamp",
      "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset",
      "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position", "precision",
      "primary", "real", "references", "returning", "right", "row", "select", "session_user", "setof", "similar",
      "smallint", "some", "substring", "symmetric", "system_user", "table", "tablesample", "then", "time",
      "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
      "varchar", "variadic", "verbose", "when", "where", "window", "with");

  private Identifiers() {}

  /** {@code name} as SQL must spell it: as is when it is a plain lower-case identifier, else in double quotes. */
  static String quote(String name) {
    if (name.matches("[a-z_][a-z0-9_]*") && !KEYWORDS.contains(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code schema.table}, each part quoted as needed. */
  static String qualified(String schema, String table) {
    return quote(schema) + "." + quote(table);
  }

  /** The name an identifier as printed stands for: quotes removed ({@code ""} is one quote), else as is. */
  static String unquote(String printed) {
    if (printed.length() >= 2 && printed.startsWith("\"") && printed.endsWith("\"")) {
      return printed.substring(1, printed.length() - 1).replace("\"\"", "\"");
    }
    return printed;
  }

  /** Whether a printed column list (as a catalog prints it) names {@code names}, quoted or not. */
  static boolean sameColumns(java.util.List<String> printed, java.util.List<String> names) {
    if (printed.size() != names.size()) {
      return false;
    }
    for (int i = 0; i < names.size(); i++) {
      String p = printed.get(i);
      if (!p.equals(names.get(i)) && !unquote(p).equals(names.get(i))) {
        return false;
      }
    }
    return true;
  }
}
