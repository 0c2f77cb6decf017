package dev.earlybird.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stored review's document laid out for people, whatever its sections: each object's plain fields become a
 * list of fields, each list of objects a table, nested sections get their own heading ({@code changes › new}).
 * The page then shows what the review stored and sent, never a second rendering of it that could differ.
 */
public final class ReviewDigest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReviewDigest() {}

  /** @param rows each as long as {@code columns}; empty for an empty list */
  public record Section(String title, List<String> columns, List<List<String>> rows) {}

  static List<Section> sections(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return List.of(new Section("Stored document (not JSON)", List.of("text"), List.of(List.of(body))));
    }
    List<Section> out = new ArrayList<>();
    walk("Review", root, out);
    return out;
  }

  private static void walk(String title, JsonNode node, List<Section> out) {
    if (node.isArray()) {
      out.add(table(title, node));
    } else if (node.isObject()) {
      List<List<String>> fields = new ArrayList<>();
      List<Map.Entry<String, JsonNode>> nested = new ArrayList<>();
      for (var field : node.properties()) {
        if (field.getValue().isContainerNode()) {
          nested.add(field);
        } else {
          fields.add(List.of(field.getKey(), text(field.getValue())));
        }
      }
      if (!fields.isEmpty()) {
        out.add(new Section(title, List.of("field", "value"), fields));
      }
      for (var field : nested) {
        walk(title.equals("Review") ? field.getKey() : title + " › " + field.getKey(), field.getValue(), out);
      }
    } else {
      out.add(new Section(title, List.of("value"), List.of(List.of(text(node)))));
    }
  }

  /** A list of objects as a table with a column per field any of them has; a list of values as one column. */
  private static Section table(String title, JsonNode array) {
    Set<String> columns = new LinkedHashSet<>();
    for (JsonNode item : array) {
      if (item.isObject()) {
        item.properties().forEach(f -> columns.add(f.getKey()));
      }
    }
    if (columns.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      array.forEach(item -> rows.add(List.of(text(item))));
      return new Section(title, List.of("value"), rows);
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode item : array) {
      rows.add(columns.stream().map(c -> item.has(c) ? text(item.get(c)) : "").toList());
    }
    return new Section(title, List.copyOf(columns), rows);
  }

  /** A value as text; a nested object or list as compact JSON. */
  private static String text(JsonNode v) {
    return v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
  }
}
