package dev.earlybird.model;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Matches one label of an alert, exactly or by a regular expression anchored at both ends (as Alertmanager's
 * {@code =~}). A label the alert lacks matches as the empty string, so {@code tenant=""} matches alerts without
 * a tenant.
 */
public record LabelMatcher(String name, String value, boolean regex) {
  public LabelMatcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (regex) {
      compile(value);
    }
  }

  public static LabelMatcher equal(String name, String value) {
    return new LabelMatcher(name, value, false);
  }

  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(name, "");
    return regex ? compile(value).matcher(actual).matches() : actual.equals(value);
  }

  /** @throws IllegalArgumentException naming the expression and what is wrong with it */
  private static Pattern compile(String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a regular expression: " + e.getDescription() + " in " + value);
    }
  }

  @Override
  public String toString() {
    return name + (regex ? "=~" : "=") + '"' + value + '"';
  }
}
