package dev.earlybird.dashboards;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Just enough of PromQL (with Grafana's {@code $variables}) to check dashboards without Prometheus: which metric
 * selectors an expression has, their label matchers, their range, and the function calls around each one. Not a
 * parser of the whole grammar: it reads tokens and tracks brackets, which is what the dashboard rules need.
 */
public final class PromQl {
  /** Functions and aggregations the dashboards may call; anything else followed by "(" is reported. */
  static final Set<String> FUNCTIONS = Set.of(
      "rate", "irate", "increase", "delta", "deriv", "sum", "min", "max", "avg", "count", "group", "topk", "bottomk",
      "quantile", "stddev", "stdvar", "histogram_quantile", "time", "vector", "scalar", "clamp_min", "clamp_max",
      "abs", "round", "label_replace", "max_over_time", "min_over_time", "avg_over_time", "last_over_time",
      "absent", "timestamp", "sort", "sort_desc");
  /** Words after which "( ... )" lists label names, not expressions. */
  static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  static final Set<String> KEYWORDS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset");
  /** Functions whose argument is a counter's range: a counter must only appear inside one of them. */
  public static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "irate", "increase");

  /** One label matcher of a selector, e.g. {@code job=~"$job"}. */
  public record Matcher(String label, String op, String value) {}

  /**
   * A metric selector in an expression.
   *
   * @param range the text between "[" and "]" after the selector, if any (e.g. {@code $__rate_interval})
   * @param enclosing the calls around it, innermost last (e.g. {@code [sum, rate]})
   */
  public record Selector(String metric, List<Matcher> matchers, Optional<String> range, List<String> enclosing) {
    public boolean insideAnyOf(Set<String> functions) {
      return enclosing.stream().anyMatch(functions::contains);
    }

    public Optional<Matcher> matcher(String label) {
      return matchers.stream().filter(m -> m.label().equals(label)).findFirst();
    }
  }

  /** What an expression holds, and what is wrong with its syntax (unbalanced brackets, unknown functions). */
  public record Parsed(List<Selector> selectors, List<String> problems) {}

  private PromQl() {}

  /** Reads {@code expr}; never throws, problems are listed instead. */
  public static Parsed parse(String expr) {
    return new Reader(expr).read();
  }

  private static final class Frame {
    final char open;
    final String function; // "" for a plain parenthesis
    final boolean labelList;

    Frame(char open, String function, boolean labelList) {
      this.open = open;
      this.function = function;
      this.labelList = labelList;
    }
  }

  private static final class Reader {
    final String s;
    int i;
    final List<Selector> selectors = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final Deque<Frame> frames = new ArrayDeque<>();
    String lastWord = "";

    Reader(String s) {
      this.s = s;
    }

    Parsed read() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '"' || c == '\'' || c == '`') {
          string();
          lastWord = "";
        } else if (c == '$') {
          variable();
          lastWord = "";
        } else if (Character.isDigit(c)) {
          // A number or duration (0.95, 1e3, 5m): never a name.
          while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
          }
          lastWord = "";
        } else if (isWordStart(c)) {
          word();
        } else if (c == '(') {
          boolean labels = LABEL_LIST_KEYWORDS.contains(lastWord);
          frames.push(new Frame('(', labels ? "" : (FUNCTIONS.contains(lastWord) ? lastWord : ""), labels));
          lastWord = "";
          i++;
        } else if (c == ')' || c == ']' || c == '}') {
          close(c);
          i++;
        } else if (c == '{') {
          // A selector without a metric name: not used by the dashboards, but read its matchers anyway.
          selectors.add(selector("", i));
        } else if (c == '[') {
          problems.add("range [...] without a selector before it at offset " + i);
          skipPast(']');
        } else {
          lastWord = "";
          i++;
        }
      }
      if (!frames.isEmpty()) {
        problems.add("unclosed '" + frames.peek().open + "'");
      }
      return new Parsed(List.copyOf(selectors), List.copyOf(problems));
    }

    private void close(char c) {
      char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (frames.isEmpty() || frames.peek().open != expected) {
        problems.add("unbalanced '" + c + "' at offset " + i);
      } else {
        frames.pop();
      }
      lastWord = "";
    }

    private static boolean isWordStart(char c) {
      return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isWordPart(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    private void word() {
      int start = i;
      while (i < s.length() && isWordPart(s.charAt(i))) {
        i++;
      }
      String w = s.substring(start, i);
      boolean inLabelList = !frames.isEmpty() && frames.peek().labelList;
      if (inLabelList || KEYWORDS.contains(w)) {
        lastWord = w;
        return;
      }
      int next = skipSpaces(i);
      boolean call = next < s.length() && s.charAt(next) == '(';
      if (call) {
        if (!FUNCTIONS.contains(w)) {
          problems.add("unknown function " + w + "()");
        }
        lastWord = w;
        return;
      }
      if (FUNCTIONS.contains(w)) {
        // An aggregation before its "by (...)" clause, e.g. "sum by (le) (...)".
        lastWord = w;
        return;
      }
      selectors.add(selector(w, i));
      lastWord = "";
    }

    /** Reads an optional "{...}" and "[...]" after a metric name ending at {@code from}. */
    private Selector selector(String metric, int from) {
      i = skipSpaces(from);
      List<Matcher> matchers = new ArrayList<>();
      if (i < s.length() && s.charAt(i) == '{') {
        i++;
        while (true) {
          i = skipSpaces(i);
          if (i >= s.length()) {
            problems.add("unclosed '{' after " + metric);
            break;
          }
          if (s.charAt(i) == '}') {
            i++;
            break;
          }
          if (s.charAt(i) == ',') {
            i++;
            continue;
          }
          int ls = i;
          while (i < s.length() && isWordPart(s.charAt(i))) {
            i++;
          }
          String label = s.substring(ls, i);
          i = skipSpaces(i);
          int os = i;
          while (i < s.length() && "=!~".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          String op = s.substring(os, i);
          i = skipSpaces(i);
          if (label.isEmpty() || !Set.of("=", "!=", "=~", "!~").contains(op) || i >= s.length()
              || "\"'`".indexOf(s.charAt(i)) < 0) {
            problems.add("bad label matcher after " + metric + " at offset " + ls);
            skipPast('}');
            break;
          }
          matchers.add(new Matcher(label, op, string()));
        }
      }
      Optional<String> range = Optional.empty();
      int r = skipSpaces(i);
      if (r < s.length() && s.charAt(r) == '[') {
        int end = s.indexOf(']', r);
        if (end < 0) {
          problems.add("unclosed '[' after " + metric);
          i = s.length();
        } else {
          range = Optional.of(s.substring(r + 1, end).strip());
          i = end + 1;
        }
      }
      List<String> enclosing = new ArrayList<>();
      frames.descendingIterator().forEachRemaining(f -> {
        if (!f.function.isEmpty()) {
          enclosing.add(f.function);
        }
      });
      return new Selector(metric, List.copyOf(matchers), range, List.copyOf(enclosing));
    }

    /** Reads a quoted string starting at {@code i} and returns its content (escapes kept as written). */
    private String string() {
      char q = s.charAt(i);
      int start = ++i;
      while (i < s.length() && s.charAt(i) != q) {
        if (s.charAt(i) == '\\' && q != '`') {
          i++;
        }
        i++;
      }
      if (i >= s.length()) {
        problems.add("unclosed string starting at offset " + (start - 1));
        return s.substring(start);
      }
      return s.substring(start, i++);
    }

    /** {@code $name}, {@code ${name}} or {@code ${name:format}}: a Grafana variable, replaced before PromQL runs. */
    private void variable() {
      i++;
      if (i < s.length() && s.charAt(i) == '{') {
        skipPast('}');
      } else {
        while (i < s.length() && isWordPart(s.charAt(i))) {
          i++;
        }
      }
    }

    private void skipPast(char c) {
      int end = s.indexOf(c, i);
      i = end < 0 ? s.length() : end + 1;
    }

    private int skipSpaces(int from) {
      int j = from;
      while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
        j++;
      }
      return j;
    }
  }
}
