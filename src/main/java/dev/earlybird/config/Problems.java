package dev.earlybird.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects problems while binding instead of failing on the first, so one load reports all of them.
 * Formats each as {@code FILE:LINE: key.path: message} and lists them in line order (binding visits some
 * keys out of file order, e.g. unknown keys when a map is opened), problems of the whole file first.
 */
final class Problems {
  private record Found(int line, String text) {}

  private final String source;
  private final List<Found> found = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  void add(int line, String path, String message) {
    found.add(new Found(line, location(line) + ": " + (path.isEmpty() ? "" : path + ": ") + message));
  }

  /** A problem of the whole file (unreadable, not YAML at all). */
  void addForFile(String message) {
    found.add(new Found(0, source + ": " + message));
  }

  String location(int line) {
    return source + ":" + line;
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  void throwIfAny() throws ConfigException {
    if (!found.isEmpty()) {
      // List.sort is stable: problems on one line keep the order they were found in.
      List<Found> sorted = new ArrayList<>(found);
      sorted.sort(Comparator.comparingInt(Found::line));
      throw new ConfigException(sorted.stream().map(Found::text).toList());
    }
  }
}
