package dev.earlybird.analysis;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.IndexDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an advised index is in place: a valid index on the advised table whose leading key columns are the
 * advised ones (and, for a partial index, with the same predicate), whatever its name. Read from the advice's own
 * DDL, which {@link MissingIndexRule} and {@link FleetDrift} write in one known form. Pure.
 */
public final class IndexApplied {
  /** CREATE [UNIQUE] INDEX [CONCURRENTLY] [name] ON schema.table [USING method] (… */
  private static final Pattern DDL = Pattern.compile(
      "CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:(?:\"(?:[^\"]|\"\")*\"|\\S+) )?ON "
          + "(\"(?:[^\"]|\"\")*\"|[^\\s.\"]+)\\.(\"(?:[^\"]|\"\")*\"|[^\\s(\"]+)(?: USING \\w+)? \\(");

  private IndexApplied() {}

  /** The index an advice's DDL creates, as far as it decides presence. */
  record Advised(String schema, String table, List<String> columns, String predicate) {}

  /** Whether the index the advice asks for exists and is valid in {@code catalog}; false for advice without DDL. */
  public static boolean present(Evidence.Advice advice, DatabaseCatalog catalog) {
    Optional<Advised> advised = parse(advice.ddl());
    if (advised.isEmpty()) {
      return false;
    }
    Advised a = advised.get();
    return catalog.indexesOn(a.schema(), a.table()).stream().anyMatch(i -> matches(i, a));
  }

  private static boolean matches(IndexDef i, Advised a) {
    if (!i.valid() || i.columns().size() < a.columns().size()) {
      return false;
    }
    if (a.predicate() != null && !a.predicate().equals(i.predicate())) {
      return false;
    }
    List<String> leading = i.columns().subList(0, a.columns().size());
    return Identifiers.sameColumns(leading, a.columns());
  }

  static Optional<Advised> parse(String ddl) {
    if (ddl == null) {
      return Optional.empty();
    }
    Matcher m = DDL.matcher(ddl);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    int open = m.end() - 1;
    int close = closing(ddl, open);
    if (close < 0) {
      return Optional.empty();
    }
    List<String> columns = splitTopLevel(ddl.substring(open + 1, close));
    String rest = ddl.substring(close + 1);
    int where = rest.indexOf(" WHERE ");
    String predicate = where >= 0 ? rest.substring(where + " WHERE ".length()) : null;
    return Optional.of(new Advised(Identifiers.unquote(m.group(1)), Identifiers.unquote(m.group(2)),
        columns.stream().map(IndexApplied::plainColumn).toList(), predicate));
  }

  /** A quoted plain column is its name; an expression stays as printed. */
  private static String plainColumn(String printed) {
    return printed.matches("\"(?:[^\"]|\"\")*\"") ? Identifiers.unquote(printed) : printed;
  }

  private static int closing(String s, int open) {
    int depth = 0;
    boolean quoted = false;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> splitTopLevel(String list) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '"' || c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        out.add(list.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(list.substring(start).trim());
    return out;
  }
}
