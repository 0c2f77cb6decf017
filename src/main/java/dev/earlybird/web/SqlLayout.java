package dev.earlybird.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lays a statement's text out for reading: a new line before each major clause ({@code SELECT}, {@code FROM},
 * {@code WHERE}, joins, ...) of a query, subqueries indented. Pure, and it only moves whitespace: every token comes
 * out as it went in, in the same order, and string literals, dollar quotes, quoted identifiers and comments are
 * copied byte for byte (a line comment keeps the line break that ends it). Clauses inside function calls ({@code
 * extract(day FROM x)}) and window definitions stay on their line: only parentheses that open a query indent.
 */
public final class SqlLayout {
  private static final String INDENT = "  ";

  /** Clause words that start a line where a query is being written. */
  private static final Set<String> CLAUSES = Set.of("SELECT", "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT",
      "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "WINDOW", "RETURNING", "VALUES", "SET", "INSERT", "UPDATE",
      "DELETE", "WITH", "ON", "FOR", "JOIN", "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL");
  /** Join words that start a join only when JOIN follows them. */
  private static final Set<String> JOIN_PREFIXES = Set.of("LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL",
      "OUTER");
  /** Words after which a clause word belongs to the phrase before it ({@code DELETE FROM}, {@code FOR UPDATE}). */
  private static final Set<String> GLUED_AFTER = Set.of("DELETE", "DISTINCT", "DO", "FOR", "KEY", "NO", "ON",
      "UNION", "INTERSECT", "EXCEPT", "WITHIN");
  /** After these a SELECT still starts a line ({@code UNION SELECT}). */
  private static final Set<String> SET_OPERATIONS = Set.of("UNION", "INTERSECT", "EXCEPT");
  /** Words after WITH that make it an option, not a query's common table expressions. */
  private static final Set<String> WITH_OPTIONS = Set.of("ORDINALITY", "TIME", "NO", "LOCAL", "CASCADED", "CHECK",
      "GRANT", "HOLD", "DATA", "TIES");

  private SqlLayout() {}

  enum Kind { SPACE, WORD, QUOTED, COMMENT, LINE_COMMENT, PUNCT }

  record Token(Kind kind, String text) {
    String upper() {
      return kind == Kind.WORD ? text.toUpperCase(Locale.ROOT) : "";
    }
  }

  /** The text laid out; null stays null. */
  public static String format(String sql) {
    if (sql == null) {
      return null;
    }
    // The tokens without whitespace, each with whether whitespace came before it in the input.
    List<Token> tokens = new ArrayList<>();
    List<Boolean> spacedBefore = new ArrayList<>();
    boolean space = false;
    for (Token t : tokens(sql)) {
      if (t.kind() == Kind.SPACE) {
        space = true;
      } else {
        tokens.add(t);
        spacedBefore.add(space);
        space = false;
      }
    }
    StringBuilder out = new StringBuilder(sql.length() + 64);
    // Per open parenthesis: whether it opens a query (its clauses get lines of their own, indented).
    Deque<Boolean> parens = new ArrayDeque<>();
    int depth = 0; // open query parentheses
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean spaced = spacedBefore.get(i);
      Token prev = i == 0 ? null : tokens.get(i - 1);
      boolean query = parens.isEmpty() || parens.peek();
      if (prev == null) {
        // Leading whitespace goes.
      } else if (prev.kind() == Kind.LINE_COMMENT) {
        out.append('\n').append(INDENT.repeat(depth));
      } else if (t.text().equals(")") && !parens.isEmpty() && parens.peek()) {
        out.append('\n').append(INDENT.repeat(depth - 1));
      } else if (query && startsClause(tokens, i) && !prev.text().equals(".")) {
        out.append('\n').append(INDENT.repeat(depth));
      } else if (spaced) {
        out.append(' ');
      }
      out.append(t.text());
      if (t.text().equals("(")) {
        boolean opensQuery = i + 1 < tokens.size()
            && Set.of("SELECT", "WITH", "VALUES").contains(tokens.get(i + 1).upper());
        parens.push(opensQuery);
        depth += opensQuery ? 1 : 0;
      } else if (t.text().equals(")") && !parens.isEmpty()) {
        depth -= parens.pop() ? 1 : 0;
      }
    }
    return out.toString();
  }

  /** Whether the word at {@code i} begins a clause (and is not the first word of the text). */
  private static boolean startsClause(List<Token> tokens, int i) {
    String w = tokens.get(i).upper();
    if (!CLAUSES.contains(w)) {
      return false;
    }
    String prev = previousWord(tokens, i);
    String next = i + 1 < tokens.size() ? tokens.get(i + 1).upper() : "";
    if (GLUED_AFTER.contains(prev)) {
      return w.equals("SELECT") && SET_OPERATIONS.contains(prev);
    }
    return switch (w) {
      case "GROUP", "ORDER" -> next.equals("BY");
      case "ON" -> next.equals("CONFLICT");
      case "FOR" -> Set.of("UPDATE", "SHARE", "NO", "KEY").contains(next);
      case "WITH" -> !WITH_OPTIONS.contains(next);
      case "JOIN" -> !JOIN_PREFIXES.contains(prev);
      case "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL" -> joinFollows(tokens, i) && !JOIN_PREFIXES.contains(prev);
      default -> true;
    };
  }

  private static boolean joinFollows(List<Token> tokens, int i) {
    for (int j = i + 1; j < Math.min(tokens.size(), i + 3); j++) {
      if (tokens.get(j).upper().equals("JOIN")) {
        return true;
      }
    }
    return false;
  }

  private static String previousWord(List<Token> tokens, int i) {
    return i == 0 ? "" : tokens.get(i - 1).upper();
  }

  /**
   * The text as tokens whose texts, joined, give it back exactly. PostgreSQL's lexical rules where they matter for
   * not touching what is inside quotes and comments: {@code ''} inside strings, backslash escapes in {@code E'...'},
   * {@code $tag$...$tag$} bodies, {@code ""} inside quoted identifiers, nested block comments.
   */
  static List<Token> tokens(String s) {
    List<Token> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int end;
      Kind kind;
      if (Character.isWhitespace(c)) {
        end = i;
        while (end < n && Character.isWhitespace(s.charAt(end))) {
          end++;
        }
        kind = Kind.SPACE;
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
        end = s.indexOf('\n', i);
        end = end < 0 ? n : end;
        // A carriage return before the newline is whitespace, not comment.
        while (end > i + 2 && s.charAt(end - 1) == '\r') {
          end--;
        }
        kind = Kind.LINE_COMMENT;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        end = blockCommentEnd(s, i);
        kind = Kind.COMMENT;
      } else if (c == '\'') {
        boolean backslashes = !out.isEmpty() && out.getLast().kind() == Kind.WORD
            && out.getLast().text().toUpperCase(Locale.ROOT).endsWith("E") && out.getLast().text().length() == 1;
        end = quoteEnd(s, i, '\'', backslashes);
        kind = Kind.QUOTED;
      } else if (c == '"') {
        end = quoteEnd(s, i, '"', false);
        kind = Kind.QUOTED;
      } else if (c == '$' && dollarTag(s, i) != null) {
        String tag = dollarTag(s, i);
        int close = s.indexOf(tag, i + tag.length());
        end = close < 0 ? n : close + tag.length();
        kind = Kind.QUOTED;
      } else if (wordChar(c)) {
        end = i;
        while (end < n && wordChar(s.charAt(end))) {
          end++;
        }
        kind = Kind.WORD;
      } else {
        end = i + 1;
        kind = Kind.PUNCT;
      }
      out.add(new Token(kind, s.substring(i, end)));
      i = end;
    }
    return out;
  }

  private static boolean wordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** {@code $tag$} starting at {@code i}, or null when it is a parameter ({@code $1}) or no tag. */
  private static String dollarTag(String s, int i) {
    int j = i + 1;
    if (j < s.length() && Character.isDigit(s.charAt(j))) {
      return null;
    }
    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
      j++;
    }
    return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
  }

  private static int quoteEnd(String s, int i, char q, boolean backslashes) {
    int j = i + 1;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (backslashes && c == '\\') {
        j += 2;
      } else if (c == q) {
        if (j + 1 < s.length() && s.charAt(j + 1) == q) {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return s.length();
  }

  private static int blockCommentEnd(String s, int i) {
    int depth = 0;
    int j = i;
    while (j < s.length()) {
      if (s.startsWith("/*", j)) {
        depth++;
        j += 2;
      } else if (s.startsWith("*/", j)) {
        depth--;
        j += 2;
        if (depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return s.length();
  }
}
