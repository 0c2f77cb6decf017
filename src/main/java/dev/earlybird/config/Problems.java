package dev.earlybird.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects problems while binding instead of failing on the first, so one load reports all of them.
 * Formats each as {@code FILE:LINE: key.path: message}.
 */
final class Problems {
  private final String source;
  private final List<String> found = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  void add(int line, String path, String message) {
    found.add(location(line) + ": " + (path.isEmpty() ? "" : path + ": ") + message);
  }

  /** A problem of the whole file (unreadable, not YAML at all). */
  void addForFile(String message) {
    found.add(source + ": " + message);
  }

  String location(int line) {
    return source + ":" + line;
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  void throwIfAny() throws ConfigException {
    if (!found.isEmpty()) {
      throw new ConfigException(found);
    }
  }
}
