package dev.earlybird.source.postgres;

import dev.earlybird.model.PlanCapture.SkipReason;
import dev.earlybird.model.PlanCapture.Skipped;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.core.Parser;

/**
 * The checks on a statement text made before it goes near a server. They decide only what is safe and worth
 * planning; what the statement means (relations, columns, types) is left to the server's parser.
 */
final class PlanText {
  /** Statements EXPLAIN plans without running anything. CREATE TABLE AS, DECLARE and EXECUTE are left out. */
  private static final Set<String> PLANNABLE =
      Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "VALUES", "TABLE");
  /** {@code $n} not inside an identifier ({@code a$1} is a name, not a parameter). */
  private static final Pattern PARAMETER = Pattern.compile("(?<![\\w$])\\$(\\d{1,6})(?![\\w$])");
  private static final Pattern WORD = Pattern.compile("[A-Za-z_]+");

  private PlanText() {}

  /**
   * Why {@code text} must not be planned, or empty if it may be.
   *
   * @param standardConformingStrings the session's setting, which decides whether a backslash ends a string
   */
  static Optional<Skipped> refusal(
      String text, boolean truncated, int maxParameters, boolean standardConformingStrings) {
    if (truncated) {
      return skip(SkipReason.TRUNCATED, "the text was cut at track_activity_query_size");
    }
    String keyword = firstKeyword(text);
    if (!PLANNABLE.contains(keyword)) {
      String detail = keyword.isEmpty() ? "no statement" : keyword + " is not a plannable statement";
      return skip(SkipReason.UTILITY, detail);
    }
    if (!singleStatement(text, standardConformingStrings)) {
      // The text is appended to our own BEGIN READ ONLY …; a second statement could end that transaction.
      return skip(SkipReason.MULTIPLE_STATEMENTS, "the text holds more than one statement");
    }
    int parameters = highestParameter(text);
    if (parameters > maxParameters) {
      return skip(
          SkipReason.TOO_MANY_PARAMETERS, parameters + " parameters, more than the limit of " + maxParameters);
    }
    return Optional.empty();
  }

  /**
   * The first keyword, upper case, after white space, comments and opening parentheses ({@code (SELECT …) UNION
   * …}); empty if there is none.
   */
  static String firstKeyword(String text) {
    int i = 0;
    int n = text.length();
    while (i < n) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch) || ch == '(') {
        i++;
      } else if (text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (text.startsWith("/*", i)) {
        i = afterBlockComment(text, i);
      } else {
        break;
      }
    }
    Matcher m = WORD.matcher(text).region(i, n);
    return m.lookingAt() ? m.group().toUpperCase(Locale.ROOT) : "";
  }

  /** Where the block comment starting at {@code start} ends; PostgreSQL nests them. */
  private static int afterBlockComment(String text, int start) {
    int depth = 0;
    int i = start;
    while (i < text.length()) {
      if (text.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (text.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return text.length();
  }

  /**
   * Whether the driver sends {@code text} as one statement. Asks the driver's own splitter (the one that would split
   * it), with no JDBC {@code ?} parameters, as for a plain {@code Statement}.
   */
  static boolean singleStatement(String text, boolean standardConformingStrings) {
    try {
      return Parser.parseJdbcSql(text, standardConformingStrings, false, true, false, false).size() <= 1;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * The highest {@code $n} in the text, which is how many parameters the server will see. A {@code $n} inside a
   * string literal counts too: it can only make a statement look bigger than it is.
   */
  static int highestParameter(String text) {
    Matcher m = PARAMETER.matcher(text);
    int highest = 0;
    while (m.find()) {
      highest = Math.max(highest, Integer.parseInt(m.group(1)));
    }
    return highest;
  }

  private static Optional<Skipped> skip(SkipReason reason, String detail) {
    return Optional.of(new Skipped(reason, detail));
  }
}
