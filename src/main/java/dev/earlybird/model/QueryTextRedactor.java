package dev.earlybird.model;

/**
 * Replaces the literals pg_stat_statements left in a query text, so a password typed in SQL ({@code ALTER ROLE app
 * PASSWORD '...'}, {@code CREATE USER MAPPING ... OPTIONS (password '...')}) is never stored or shown.
 * pg_stat_statements replaces constants with {@code $n} in ordinary statements, but keeps utility statements as
 * typed.
 *
 * <p>A small lexer of PostgreSQL's syntax, one pass, linear time, never throws:
 *
 * <ul>
 *   <li>every string constant becomes {@link #PLACEHOLDER}: standard {@code '...'} ({@code ''} escapes),
 *       {@code E'...'} (backslash escapes), {@code U&'...'}, {@code N'...'}, bit strings {@code B'...'} and
 *       {@code X'...'}, and dollar quotes {@code $$...$$}/{@code $tag$...$tag$} whole (a {@code DO} block or
 *       function body may hold anything);
 *   <li>a literal left open at the end (the text was cut at {@code poll.textMaxLength}) is replaced to the end, so
 *       no prefix of a secret survives;
 *   <li>kept as written: keywords, identifiers, quoted identifiers {@code "..."}, parameters {@code $1}, numbers (not
 *       secrets: {@code CONNECTION LIMIT 5}; pg_stat_statements already replaces them in ordinary statements) and
 *       comments ({@code --}, nested {@code /* *}{@code /}), which are the application's tags (e.g. sqlcommenter)
 *       and not lexed: a secret written in a comment is not found.
 * </ul>
 *
 * Standard strings are read with {@code standard_conforming_strings = on} (the default since PostgreSQL 9.1).
 * The text is also made safe to store: NUL and unpaired surrogates become U+FFFD (see {@link #clean}).
 */
public final class QueryTextRedactor {
  /** What each string constant becomes: still a valid SQL literal, and says what happened. */
  public static final String PLACEHOLDER = "'<redacted>'";

  private QueryTextRedactor() {}

  /** The text with every string constant replaced; null stays null. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String s = clean(text);
    StringBuilder out = new StringBuilder(s.length());
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int end;
      if (c == '\'') {
        end = standardString(s, i + 1);
        placeholder(out);
      } else if ((c == 'e' || c == 'E') && at(s, i + 1, '\'')) {
        end = escapeString(s, i + 2);
        placeholder(out);
      } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && at(s, i + 1, '\'')) {
        end = standardString(s, i + 2);
        placeholder(out);
      } else if ((c == 'u' || c == 'U') && at(s, i + 1, '&') && at(s, i + 2, '\'')) {
        end = standardString(s, i + 3);
        placeholder(out);
      } else if (c == '$') {
        int tagEnd = dollarTagEnd(s, i);
        if (tagEnd < 0) {
          end = dollarOther(s, i);
          out.append(s, i, end);
        } else {
          String tag = s.substring(i, tagEnd);
          int close = s.indexOf(tag, tagEnd);
          end = close < 0 ? n : close + tag.length();
          placeholder(out);
        }
      } else if (c == '"') {
        end = closingQuote(s, i + 1, '"');
        out.append(s, i, end);
      } else if (c == '-' && at(s, i + 1, '-')) {
        int nl = s.indexOf('\n', i);
        end = nl < 0 ? n : nl;
        out.append(s, i, end);
      } else if (c == '/' && at(s, i + 1, '*')) {
        end = blockComment(s, i + 2);
        out.append(s, i, end);
      } else if (identifierStart(c) || isDigit(c)) {
        // A whole word, so that the e of "name" or the $ of "a$b" never starts a literal.
        end = i + 1;
        while (end < n && identifierPart(s.charAt(end))) {
          end++;
        }
        out.append(s, i, end);
      } else {
        end = i + 1;
        out.append(c);
      }
      i = end;
    }
    return out.toString();
  }

  /**
   * Appends the placeholder, apart from what would join it: another placeholder (two side by side read as one
   * literal) or a {@code u&} (would read as a Unicode string).
   */
  private static void placeholder(StringBuilder out) {
    char last = out.isEmpty() ? ' ' : out.charAt(out.length() - 1);
    if (last == '\'' || last == '&') {
      out.append(' ');
    }
    out.append(PLACEHOLDER);
  }

  /**
   * The text cut to at most {@code maxCodePoints} code points (never half a character), and never inside a
   * placeholder: redacting can lengthen a text that the server already cut ({@code 'v'} becomes {@link
   * #PLACEHOLDER}), and the limit is on what is kept. Returns the text itself when it fits.
   */
  public static String cut(String text, int maxCodePoints) {
    if (text == null || text.length() <= maxCodePoints || text.codePointCount(0, text.length()) <= maxCodePoints) {
      return text;
    }
    int end = text.offsetByCodePoints(0, Math.max(0, maxCodePoints));
    int placeholder = text.lastIndexOf(PLACEHOLDER, end - 1);
    if (placeholder >= 0 && placeholder + PLACEHOLDER.length() > end) {
      end = placeholder;
    }
    return text.substring(0, end);
  }

  /**
   * The text with NUL and unpaired UTF-16 surrogates replaced by U+FFFD: a PostgreSQL store rejects NUL, and neither
   * store can encode half a character. Everything else is kept (HTML escaping is the pages' job).
   */
  public static String clean(String text) {
    if (text == null) {
      return null;
    }
    int n = text.length();
    StringBuilder out = null;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)) {
        bad = i + 1 >= n || !Character.isLowSurrogate(text.charAt(i + 1));
        if (!bad) {
          if (out != null) {
            out.append(c).append(text.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        bad = c == '\0' || Character.isLowSurrogate(c);
      }
      if (bad && out == null) {
        out = new StringBuilder(n).append(text, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Index after the closing quote of a string whose body starts at {@code i}; {@code ''} is a quote. */
  private static int standardString(String s, int i) {
    return closingQuote(s, i, '\'');
  }

  /** Index after the {@code quote} that closes a body starting at {@code i}; a doubled one is part of it. */
  private static int closingQuote(String s, int i, char quote) {
    int n = s.length();
    while (i < n) {
      if (s.charAt(i) == quote) {
        if (at(s, i + 1, quote)) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return n;
  }

  /** As {@link #standardString}, and a backslash escapes the next character. */
  private static int escapeString(String s, int i) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (at(s, i + 1, '\'')) {
          i += 2;
          continue;
        }
        return i + 1;
      } else {
        i++;
      }
    }
    return n;
  }

  /** Index after a nested block comment whose body starts at {@code i}; an open one runs to the end. */
  private static int blockComment(String s, int i) {
    int n = s.length();
    int depth = 1;
    while (i < n) {
      if (s.charAt(i) == '*' && at(s, i + 1, '/')) {
        i += 2;
        if (--depth == 0) {
          return i;
        }
      } else if (s.charAt(i) == '/' && at(s, i + 1, '*')) {
        depth++;
        i += 2;
      } else {
        i++;
      }
    }
    return n;
  }

  /**
   * For a {@code $} at {@code i}: the index after a dollar-quote opening tag ({@code $$} or {@code $tag$}), or -1
   * when it is none (a parameter {@code $1}, or a lone {@code $}).
   */
  private static int dollarTagEnd(String s, int i) {
    int n = s.length();
    int j = i + 1;
    if (j < n && s.charAt(j) == '$') {
      return j + 1;
    }
    if (j >= n || !identifierStart(s.charAt(j))) {
      return -1;
    }
    while (j < n && identifierPart(s.charAt(j)) && s.charAt(j) != '$') {
      j++;
    }
    return j < n && s.charAt(j) == '$' ? j + 1 : -1;
  }

  /** A {@code $} that opens no quote: a parameter {@code $12} is kept whole, anything else is one character. */
  private static int dollarOther(String s, int i) {
    int j = i + 1;
    while (j < s.length() && isDigit(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private static boolean at(String s, int i, char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** PostgreSQL's ident_start: letters, underscore and any non-ASCII character. */
  private static boolean identifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean identifierPart(char c) {
    return identifierStart(c) || isDigit(c) || c == '$';
  }
}
