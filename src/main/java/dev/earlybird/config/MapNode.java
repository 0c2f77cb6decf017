package dev.earlybird.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A YAML map being bound. On creation it reports unknown keys (with a "did you mean"), duplicate keys
 * and non-scalar keys; then binders pull typed values with a fallback, so one bad value never hides the
 * next one.
 */
final class MapNode {
  private final ConfigNode self;
  private final Map<String, ConfigNode> entries = new LinkedHashMap<>();

  MapNode(ConfigNode self, MappingNode mapping, List<String> knownKeys) {
    this.self = self;
    Problems problems = self.context().problems();
    Map<String, Integer> keyLines = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      int keyLine = tuple.getKeyNode().getStartMark().getLine() + 1;
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        problems.add(keyLine, self.path(), "keys must be plain names, not maps or lists");
        continue;
      }
      String key = keyNode.getValue();
      ConfigNode value = self.child(key, tuple.getValueNode(), keyLine);
      if (keyLines.containsKey(key)) {
        problems.add(keyLine, value.path(),
            "duplicate key; already set at line " + keyLines.get(key) + " (keep one)");
      } else if (knownKeys != null && !knownKeys.contains(key)) {
        problems.add(keyLine, value.path(), "unknown key; " + Suggest.closest(key, knownKeys)
            .map(s -> "did you mean " + s + "?")
            .orElse("expected one of " + String.join(", ", knownKeys)));
      } else {
        keyLines.put(key, keyLine);
        entries.put(key, value);
      }
    }
  }

  String path() {
    return self.path();
  }

  int line() {
    return self.line();
  }

  ConfigNode node() {
    return self;
  }

  /** All present entries in file order, including those whose value is null. */
  Map<String, ConfigNode> entries() {
    return Collections.unmodifiableMap(entries);
  }

  /** The value under {@code key} unless absent or null. */
  Optional<ConfigNode> get(String key) {
    ConfigNode node = entries.get(key);
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
  }

  <T> Optional<T> optional(String key, Function<String, ? extends T> parser) {
    return get(key).flatMap(n -> n.as(parser));
  }

  /** The parsed value, or {@code fallback} when absent or invalid (invalid is reported). */
  <T> T value(String key, Function<String, ? extends T> parser, T fallback) {
    return this.<T>optional(key, parser).orElse(fallback);
  }

  /** The parsed value; reports "missing" at this map's line when absent or null. */
  <T> Optional<T> required(String key, Function<String, ? extends T> parser, String expected) {
    Optional<ConfigNode> node = get(key);
    if (node.isEmpty()) {
      missing(key, expected);
      return Optional.empty();
    }
    return node.get().as(parser);
  }

  void missing(String key, String expected) {
    self.context().problems().add(line(), childPath(key), "missing; expected " + expected);
  }

  Optional<MapNode> map(String key, List<String> knownKeys) {
    return get(key).flatMap(n -> n.map(knownKeys));
  }

  Optional<List<ConfigNode>> list(String key) {
    return get(key).flatMap(ConfigNode::list);
  }

  /**
   * Runs a record constructor whose checks the binder should already have made with precise lines; if one
   * still fails, the problem is reported at this map rather than thrown.
   */
  <T> Optional<T> build(Supplier<T> constructor) {
    try {
      return Optional.of(constructor.get());
    } catch (IllegalArgumentException | NullPointerException e) {
      self.problem(e.getMessage());
      return Optional.empty();
    }
  }

  String childPath(String key) {
    return path().isEmpty() ? key : path() + "." + key;
  }
}
