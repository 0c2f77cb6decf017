package dev.earlybird.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML node with the key path that leads to it ({@code targets[0].aws.region}) and its line, so every
 * problem can say where it is. Reading a value applies substitution; a wrong shape or a value that does
 * not parse is reported to the load's {@link Problems} and comes back empty, so binding goes on and finds
 * the next problem too.
 */
final class ConfigNode {
  private final Node node;
  private final String path;
  private final int line;
  private final Context context;
  private Optional<String> text; // memoized, so a value read twice is reported once

  ConfigNode(Node node, String path, int line, Context context) {
    this.node = node;
    this.path = path;
    this.line = line;
    this.context = context;
  }

  static ConfigNode root(Node node, Context context) {
    return new ConfigNode(node, "", node.getStartMark().getLine() + 1, context);
  }

  String path() {
    return path;
  }

  /** The line of the key that holds this node (for map values), else where the node starts; 1-based. */
  int line() {
    return line;
  }

  Context context() {
    return context;
  }

  void problem(String message) {
    context.problems().add(line, path, message);
  }

  /** {@code key:} with nothing after it, {@code ~} or {@code null}: treated like an absent key. */
  boolean isNull() {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  ConfigNode child(String key, Node value, int keyLine) {
    return new ConfigNode(value, path.isEmpty() ? key : path + "." + key, keyLine, context);
  }

  /** A map whose keys must be among {@code knownKeys} (null: any key, for maps of names). */
  Optional<MapNode> map(List<String> knownKeys) {
    if (isNull()) {
      return Optional.empty();
    }
    if (!(node instanceof MappingNode m)) {
      problem("expected a map" + (knownKeys == null ? "" : " with keys " + String.join(", ", knownKeys))
          + ", got " + kind());
      return Optional.empty();
    }
    return Optional.of(new MapNode(this, m, knownKeys));
  }

  /** Like {@link #map}, but an empty list item ("- " with nothing after it) is reported, not skipped. */
  Optional<MapNode> requiredMap(List<String> knownKeys, String expected) {
    if (isNull()) {
      problem("empty entry; expected " + expected);
      return Optional.empty();
    }
    return map(knownKeys);
  }

  Optional<List<ConfigNode>> list() {
    if (isNull()) {
      return Optional.empty();
    }
    if (!(node instanceof SequenceNode s)) {
      problem("expected a list, got " + kind() + " (write [a, b] or one \"- item\" per line)");
      return Optional.empty();
    }
    List<ConfigNode> items = new ArrayList<>();
    for (Node item : s.getValue()) {
      items.add(new ConfigNode(item, path + "[" + items.size() + "]", item.getStartMark().getLine() + 1, context));
    }
    return Optional.of(items);
  }

  boolean isList() {
    return node instanceof SequenceNode;
  }

  /** The scalar value after substitution; empty when null, not a scalar or not substitutable. */
  Optional<String> text() {
    if (text == null) {
      text = readText();
    }
    return text;
  }

  private Optional<String> readText() {
    if (isNull()) {
      return Optional.empty();
    }
    if (!(node instanceof ScalarNode s)) {
      problem("expected a single value, got " + kind());
      return Optional.empty();
    }
    try {
      return Optional.of(context.substitutor().apply(s.getValue()));
    } catch (IllegalArgumentException e) {
      problem(e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The value parsed by {@code parser}, which throws IllegalArgumentException with a message that quotes
   * the value it got (via {@link Values#quote}). A substituted value is not repeated in the problem, since
   * env variables and files usually hold secrets; the reference is named instead.
   */
  <T> Optional<T> as(Function<String, ? extends T> parser) {
    Optional<String> value = text();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(parser.apply(value.get()));
    } catch (IllegalArgumentException e) {
      String raw = ((ScalarNode) node).getValue();
      String message = e.getMessage();
      if (!raw.equals(value.get())) {
        message = message.replace(Values.quote(value.get()), "the value of " + Values.quote(raw));
      }
      problem(message);
      return Optional.empty();
    }
  }

  private String kind() {
    return switch (node.getNodeId()) {
      case mapping -> "a map";
      case sequence -> "a list";
      default -> "a single value";
    };
  }
}
