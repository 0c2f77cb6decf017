package dev.earlybird.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to the receiver-neutral payload (the webhook body). Any field may be absent or null, so every
 * accessor answers with an empty value instead of throwing: a notification renders with what it has.
 */
final class Payload {
  static final ObjectMapper JSON = new ObjectMapper();

  private Payload() {}

  /** The document, or empty when it is not a JSON object (the dispatcher's bug, not the receiver's). */
  static Optional<JsonNode> parse(String payload) {
    try {
      JsonNode node = JSON.readTree(payload);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The node at {@code path} (field names), or a missing node. */
  static JsonNode at(JsonNode node, String... path) {
    JsonNode n = node == null ? MissingNode.getInstance() : node;
    for (String field : path) {
      n = n.path(field);
    }
    return n;
  }

  /** A scalar as text; empty when absent, null, blank or not a scalar. */
  static Optional<String> text(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    if (!n.isValueNode() || n.isNull()) {
      return Optional.empty();
    }
    String s = n.asText();
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  static String textOr(JsonNode node, String field, String fallback) {
    return text(node, field).orElse(fallback);
  }

  /** A number; empty when absent or not numeric (a number sent as text counts). */
  static Optional<Double> number(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    if (n.isNumber()) {
      return Optional.of(n.asDouble());
    }
    if (n.isTextual()) {
      try {
        return Optional.of(Double.parseDouble(n.asText().strip()));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  static Optional<Instant> instant(JsonNode node, String... path) {
    return text(node, path).flatMap(s -> {
      try {
        return Optional.of(Instant.parse(s));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    });
  }

  /** The scalar members of an object as text, in document order (labels, annotations). */
  static Map<String, String> strings(JsonNode node, String... path) {
    Map<String, String> out = new LinkedHashMap<>();
    at(node, path).properties().forEach(e -> {
      if (e.getValue().isValueNode() && !e.getValue().isNull() && !e.getValue().asText().isBlank()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    });
    return out;
  }

  static boolean isReview(JsonNode payload) {
    return text(payload, "type").orElse("").equals("review");
  }
}
