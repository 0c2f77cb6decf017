package dev.earlybird.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which databases of a target are watched: a name is accepted when any include pattern and no exclude
 * pattern is found in it. Patterns use {@code find()}, so {@code ^template} means "starts with template"
 * and an unanchored pattern matches anywhere.
 */
public record DatabaseFilter(List<Pattern> include, List<Pattern> exclude) {
  public static final List<String> DEFAULT_INCLUDE = List.of(".*");
  // rdsadmin is RDS's own database, not readable by customers; templates never run user queries.
  public static final List<String> DEFAULT_EXCLUDE = List.of("^rdsadmin$", "^template");

  public DatabaseFilter {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  public static DatabaseFilter defaults() {
    return of(DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
  }

  public static DatabaseFilter of(List<String> include, List<String> exclude) {
    return new DatabaseFilter(
        include.stream().map(Pattern::compile).toList(), exclude.stream().map(Pattern::compile).toList());
  }

  public boolean accepts(String databaseName) {
    return include.stream().anyMatch(p -> p.matcher(databaseName).find())
        && exclude.stream().noneMatch(p -> p.matcher(databaseName).find());
  }

  // Pattern has identity equality; compare by source and flags so equal configs are equal.
  @Override
  public boolean equals(Object o) {
    return o instanceof DatabaseFilter other && same(include, other.include) && same(exclude, other.exclude);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        include.stream().map(Pattern::pattern).toList(), exclude.stream().map(Pattern::pattern).toList());
  }

  static boolean same(List<Pattern> a, List<Pattern> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!same(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean same(Pattern a, Pattern b) {
    return a.pattern().equals(b.pattern()) && a.flags() == b.flags();
  }
}
