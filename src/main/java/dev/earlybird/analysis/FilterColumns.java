package dev.earlybird.analysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns of one relation that a scan's filter compares with a constant or a parameter, read from the filter as
 * {@code EXPLAIN (VERBOSE)} prints it ({@code ((o.customer_id = $1) AND ((o.status)::text = 'open'::text))}): the
 * server has already resolved names and types, so this only walks its printed expression, never the query's SQL.
 *
 * <p>Only conditions an index can look up count: a column of the scan's alias, bare or cast, compared by {@code =}
 * or {@code = ANY (…)} (equality), by {@code < <= > >=} or by a LIKE with a fixed prefix (range). Conditions under an
 * OR, on a function of a column, IS [NOT] NULL, NOT, {@code <>} and comparisons of two columns are left out: one
 * btree index on their columns would not serve them.
 *
 * @param equality columns compared for equality, in the order the filter names them
 * @param range columns compared by range or prefix, not already among the equality columns
 */
public record FilterColumns(List<String> equality, List<String> range) {
  public static final FilterColumns NONE = new FilterColumns(List.of(), List.of());
  private static final Set<String> STRING_TYPES =
      Set.of("text", "character varying", "varchar", "bpchar", "character", "name", "citext");

  public FilterColumns {
    equality = List.copyOf(equality);
    range = List.copyOf(range);
  }

  /** Equality columns, then range columns. */
  public List<String> all() {
    List<String> out = new ArrayList<>(equality);
    out.addAll(range);
    return out;
  }

  /**
   * The columns of {@code alias} in {@code filter}; {@link #NONE} for a null filter or one this cannot read.
   *
   * @param alias the scan's alias as the plan's "Alias" gives it (unquoted)
   */
  public static FilterColumns of(String filter, String alias) {
    if (filter == null || alias == null) {
      return NONE;
    }
    List<Token> tokens;
    try {
      tokens = Token.scan(filter);
    } catch (IllegalArgumentException e) {
      return NONE; // not an expression as the server prints it: advise nothing rather than guess
    }
    Set<String> eq = new LinkedHashSet<>();
    Set<String> range = new LinkedHashSet<>();
    conjuncts(tokens, alias, eq, range);
    range.removeAll(eq);
    return new FilterColumns(List.copyOf(eq), List.copyOf(range));
  }

  private static void conjuncts(List<Token> tokens, String alias, Set<String> eq, Set<String> range) {
    tokens = unwrap(tokens);
    List<List<Token>> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      depth += t.depthChange();
      if (depth == 0 && t.isWord("OR")) {
        return; // a column only under OR needs an index per branch: none of them is a single-index candidate
      }
      if (depth == 0 && t.isWord("AND")) {
        parts.add(tokens.subList(start, i));
        start = i + 1;
      }
    }
    if (!parts.isEmpty()) {
      parts.add(tokens.subList(start, tokens.size()));
      parts.forEach(p -> conjuncts(p, alias, eq, range));
      return;
    }
    comparison(tokens, alias, eq, range);
  }

  private static void comparison(List<Token> tokens, String alias, Set<String> eq, Set<String> range) {
    int depth = 0;
    int op = -1;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      depth += t.depthChange();
      if (depth == 0 && (t.isWord("IS") || t.isWord("NOT"))) {
        return;
      }
      if (depth == 0 && t.kind() == Token.Kind.OPERATOR && op < 0) {
        op = i;
      }
    }
    if (op <= 0 || op == tokens.size() - 1) {
      return;
    }
    String operator = tokens.get(op).text();
    List<Token> left = tokens.subList(0, op);
    List<Token> right = tokens.subList(op + 1, tokens.size());
    boolean any = right.get(0).isWord("ANY");
    if (right.get(0).isWord("ALL")) {
      return;
    }
    String column = column(left, alias);
    List<Token> other = right;
    if (column == null && !any) {
      column = column(right, alias);
      other = left;
    }
    if (column == null || mentionsColumns(other)) {
      return;
    }
    switch (operator) {
      case "=" -> eq.add(column);
      case "<", "<=", ">", ">=" -> {
        if (!any) {
          range.add(column);
        }
      }
      case "~~" -> {
        if (!any && other == right && fixedPrefix(right)) {
          range.add(column);
        }
      }
      default -> {}
    }
  }

  /** The column of {@code alias} that {@code operand} is, bare or cast; null when it is anything else. */
  private static String column(List<Token> operand, String alias) {
    if (!onlyRelabels(operand)) {
      return null;
    }
    List<Token> t = unwrap(withoutCasts(operand));
    if (t.size() == 3 && t.get(0).isIdentifier() && t.get(1).isPunct(".") && t.get(2).isIdentifier()
        && Identifiers.unquote(t.get(0).text()).equals(alias)) {
      return Identifiers.unquote(t.get(2).text());
    }
    return null;
  }

  /**
   * Whether every cast in an operand is to a string type: the server prints the free relabelling of a varchar or char
   * column to text as a cast, and an index on the column serves it; any other cast ({@code (o.created_at)::date}) is
   * a function of the column that an index on the column does not serve.
   */
  private static boolean onlyRelabels(List<Token> operand) {
    for (int i = 0; i < operand.size(); i++) {
      if (operand.get(i).isPunct("::")) {
        StringBuilder type = new StringBuilder();
        for (int j = i + 1; j < operand.size() && operand.get(j).kind() == Token.Kind.WORD; j++) {
          type.append(type.isEmpty() ? "" : " ").append(operand.get(j).text().toLowerCase(java.util.Locale.ROOT));
        }
        if (!STRING_TYPES.contains(type.toString())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether an operand names any column ({@code x.y}): then it is no constant to look up. */
  private static boolean mentionsColumns(List<Token> operand) {
    List<Token> t = withoutCasts(operand);
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).isIdentifier() && t.get(i + 1).isPunct(".") && t.get(i + 2).isIdentifier()) {
        return true;
      }
    }
    return false;
  }

  /** A LIKE pattern a btree can range-scan: a string constant that does not start with a wildcard. */
  private static boolean fixedPrefix(List<Token> operand) {
    List<Token> t = unwrap(withoutCasts(operand));
    if (t.size() != 1 || t.get(0).kind() != Token.Kind.STRING) {
      return false;
    }
    String literal = t.get(0).text();
    return literal.length() > 2 && "%_\\".indexOf(literal.charAt(1)) < 0;
  }

  /** The tokens without {@code ::type} casts (type names of several words, typmods and array brackets included). */
  private static List<Token> withoutCasts(List<Token> tokens) {
    List<Token> out = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (!tokens.get(i).isPunct("::")) {
        out.add(tokens.get(i));
        continue;
      }
      int j = i + 1;
      while (j < tokens.size()) {
        Token t = tokens.get(j);
        if ((t.isIdentifier() && !t.isWord("COLLATE") && !t.isWord("AND") && !t.isWord("OR")) || t.isPunct(".")
            || t.isPunct("[") || t.isPunct("]")) {
          j++;
        } else if (t.isPunct("(") && j > i + 1) {
          int close = closing(tokens, j);
          if (close < 0) {
            break;
          }
          j = close + 1;
        } else {
          break;
        }
      }
      i = j - 1;
    }
    return out;
  }

  /** Drops parentheses that enclose the whole expression, as often as they do. */
  private static List<Token> unwrap(List<Token> tokens) {
    while (tokens.size() >= 2 && tokens.get(0).isPunct("(") && closing(tokens, 0) == tokens.size() - 1) {
      tokens = tokens.subList(1, tokens.size() - 1);
    }
    return tokens;
  }

  private static int closing(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      depth += tokens.get(i).depthChange();
      if (depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** A lexical token of an expression as PostgreSQL prints it. */
  record Token(Kind kind, String text) {
    enum Kind { WORD, QUOTED, STRING, NUMBER, PARAM, OPERATOR, PUNCT }

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

    boolean isWord(String w) {
      return kind == Kind.WORD && text.equalsIgnoreCase(w);
    }

    boolean isIdentifier() {
      return kind == Kind.WORD || kind == Kind.QUOTED;
    }

    boolean isPunct(String p) {
      return kind == Kind.PUNCT && text.equals(p);
    }

    int depthChange() {
      return isPunct("(") || isPunct("[") ? 1 : isPunct(")") || isPunct("]") ? -1 : 0;
    }

    static List<Token> scan(String s) {
      List<Token> out = new ArrayList<>();
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        int start = i;
        if (Character.isWhitespace(c)) {
          i++;
          continue;
        }
        if (c == '"' || c == '\'') {
          i = endOfQuoted(s, i, c, false);
          out.add(new Token(c == '"' ? Kind.QUOTED : Kind.STRING, s.substring(start, i)));
        } else if ((c == 'E' || c == 'e') && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
          i = endOfQuoted(s, i + 1, '\'', true);
          out.add(new Token(Kind.STRING, s.substring(start + 1, i)));
        } else if (Character.isLetter(c) || c == '_') {
          while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "_$".indexOf(s.charAt(i)) >= 0)) {
            i++;
          }
          out.add(new Token(Kind.WORD, s.substring(start, i)));
        } else if (Character.isDigit(c)) {
          while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
          }
          out.add(new Token(Kind.NUMBER, s.substring(start, i)));
        } else if (c == '$') {
          i++;
          while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
          }
          out.add(new Token(Kind.PARAM, s.substring(start, i)));
        } else if (c == ':' && i + 1 < s.length() && s.charAt(i + 1) == ':') {
          i += 2;
          out.add(new Token(Kind.PUNCT, "::"));
        } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
          while (i < s.length() && OPERATOR_CHARS.indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          out.add(new Token(Kind.OPERATOR, s.substring(start, i)));
        } else if ("()[],.;:".indexOf(c) >= 0) {
          i++;
          out.add(new Token(Kind.PUNCT, String.valueOf(c)));
        } else {
          throw new IllegalArgumentException("unexpected '" + c + "'");
        }
      }
      return out;
    }

    /** Index after the closing quote; a doubled quote is part of the text, as is an escaped one in E''. */
    private static int endOfQuoted(String s, int open, char quote, boolean backslashEscapes) {
      int i = open + 1;
      while (i < s.length()) {
        if (s.charAt(i) == quote) {
          if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
            i += 2;
            continue;
          }
          return i + 1;
        }
        if (backslashEscapes && s.charAt(i) == '\\') {
          i++;
        }
        i++;
      }
      throw new IllegalArgumentException("unterminated " + quote);
    }
  }
}
