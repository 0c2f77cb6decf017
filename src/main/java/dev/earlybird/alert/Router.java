package dev.earlybird.alert;

import dev.earlybird.config.AlertsConfig;
import dev.earlybird.config.ReceiverConfig;
import dev.earlybird.config.RouteConfig;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the receivers of an alert or review by the configured routes: the first route that matches wins, unless it
 * says {@code continue: true}; with no routes at all every receiver gets everything it takes (Alertmanager and
 * PagerDuty take no review digests, so a route to them does not send them one). Pure.
 */
public final class Router {
  private final List<RouteConfig> routes;
  private final List<String> receivers;
  private final Set<String> takeReviews;

  public Router(AlertsConfig config) {
    this.routes = config.routes();
    this.receivers = config.receivers().stream().map(ReceiverConfig::name).toList();
    this.takeReviews = config.receivers().stream().filter(r -> r.type().takesReviews()).map(ReceiverConfig::name)
        .collect(Collectors.toSet());
  }

  /** @param type {@code alert} or {@code review}; matched as the label {@code type} */
  public List<String> receivers(Map<String, String> labels, String type) {
    boolean review = type.equals(AlertPolicy.REVIEW);
    if (routes.isEmpty()) {
      return review ? receivers.stream().filter(takeReviews::contains).toList() : receivers;
    }
    Map<String, String> matched = new HashMap<>(labels);
    matched.put("type", type);
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (RouteConfig route : routes) {
      if (route.matches(matched)) {
        out.addAll(route.receivers());
        if (!route.continueMatching()) {
          break;
        }
      }
    }
    if (review) {
      out.retainAll(takeReviews);
    }
    return List.copyOf(out);
  }
}
