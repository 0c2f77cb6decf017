package dev.earlybird.config;

import java.util.Objects;

/**
 * A password, token or key. Prints as {@code ***} so it never reaches a log line, an error or a
 * {@code toString()} of a record holding it; call {@link #reveal()} where it is actually needed.
 */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "***";
  }
}
