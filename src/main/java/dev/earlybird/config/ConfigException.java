package dev.earlybird.config;

import java.util.List;

/**
 * The configuration cannot be used. Carries every problem found, one per line, each as {@code
 * FILE:LINE: key.path: what is wrong; expected what (how to fix)}, so a user fixes all of them in one go
 * instead of one per restart. Messages never contain secret values.
 */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", requireSome(problems)));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** The problems in the order found (file order, mostly), each formatted as described above. */
  public List<String> problems() {
    return problems;
  }

  private static List<String> requireSome(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems;
  }
}
