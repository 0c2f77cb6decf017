package dev.earlybird.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends alerts whose labels equal every entry of {@code match} (empty: every alert) to {@code receivers}.
 */
public record RouteConfig(Map<String, String> match, List<String> receivers) {
  public RouteConfig {
    match = Map.copyOf(match);
    receivers = List.copyOf(receivers);
    if (receivers.isEmpty()) {
      throw new IllegalArgumentException("a route needs at least one receiver");
    }
  }

  public boolean matches(Map<String, String> labels) {
    return match.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }
}
