package dev.earlybird.config;

import dev.earlybird.model.LabelMatcher;
import java.util.List;
import java.util.Map;

/**
 * Sends what matches every matcher (none: everything) to {@code receivers}. Values are regular expressions over
 * the whole label value, so {@code stage: morning} matches exactly and {@code severity: "critical|warning"}
 * either. Besides an alert's labels, {@code type} is matched: {@code alert} or {@code review}.
 *
 * @param continueMatching also try the routes after this one when it matched ({@code continue: true})
 */
public record RouteConfig(List<LabelMatcher> match, List<String> receivers, boolean continueMatching) {
  public RouteConfig {
    match = List.copyOf(match);
    receivers = List.copyOf(receivers);
    if (receivers.isEmpty()) {
      throw new IllegalArgumentException("a route needs at least one receiver");
    }
  }

  /** Exact matches, without {@code continue}. */
  public RouteConfig(Map<String, String> match, List<String> receivers) {
    this(match.entrySet().stream().map(e -> LabelMatcher.equal(e.getKey(), e.getValue())).toList(), receivers, false);
  }

  public boolean matches(Map<String, String> labels) {
    return match.stream().allMatch(m -> m.matches(labels));
  }
}
