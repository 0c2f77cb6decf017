package dev.earlybird.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AlertsConfig;
import dev.earlybird.config.ReceiverConfig;
import dev.earlybird.config.ReceiverType;
import dev.earlybird.config.RouteConfig;
import dev.earlybird.model.LabelMatcher;
import dev.earlybird.model.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterTest {
  static ReceiverConfig hook(String name) {
    return new ReceiverConfig(name, ReceiverType.WEBHOOK, Optional.of(URI.create("http://127.0.0.1:1/" + name)),
        Optional.empty(), Optional.empty());
  }

  static AlertsConfig config(List<RouteConfig> routes) {
    return new AlertsConfig(Duration.ofMinutes(90), Severity.WARNING,
        List.of(hook("dbas"), hook("pd"), hook("mail")), routes);
  }

  static RouteConfig route(Map<String, String> match, List<String> receivers, boolean cont) {
    return new RouteConfig(match.entrySet().stream().map(e -> new LabelMatcher(e.getKey(), e.getValue(), true))
        .toList(), receivers, cont);
  }

  @Test
  void withoutRoutesEveryReceiverGetsEverything() {
    Router r = new Router(config(List.of()));
    assertThat(r.receivers(Map.of("stage", "found"), "alert")).containsExactly("dbas", "pd", "mail");
    assertThat(r.receivers(Map.of("tenant", "acme"), "review")).containsExactly("dbas", "pd", "mail");
  }

  @Test
  void theReadmeExampleSendsFoundToSlackMorningToPagerDutyAndReviewsToMail() {
    Router r = new Router(config(List.of(
        route(Map.of("stage", "found"), List.of("dbas"), true),
        route(Map.of("stage", "morning", "severity", "critical|warning"), List.of("pd"), false),
        route(Map.of("type", "review"), List.of("mail"), false))));
    assertThat(r.receivers(Map.of("stage", "found", "severity", "warning"), "alert")).containsExactly("dbas");
    assertThat(r.receivers(Map.of("stage", "morning", "severity", "critical"), "alert")).containsExactly("pd");
    assertThat(r.receivers(Map.of("stage", "morning", "severity", "info"), "alert")).isEmpty();
    assertThat(r.receivers(Map.of("tenant", "acme"), "review")).containsExactly("mail");
  }

  @Test
  void theFirstMatchWinsUnlessItContinues() {
    Router stop = new Router(config(List.of(
        route(Map.of("tenant", "acme"), List.of("pd"), false),
        route(Map.of(), List.of("dbas"), false))));
    assertThat(stop.receivers(Map.of("tenant", "acme"), "alert")).containsExactly("pd");
    assertThat(stop.receivers(Map.of("tenant", "globex"), "alert")).containsExactly("dbas");
    Router cont = new Router(config(List.of(
        route(Map.of("tenant", "acme"), List.of("pd"), true),
        route(Map.of(), List.of("dbas", "pd"), false))));
    assertThat(cont.receivers(Map.of("tenant", "acme"), "alert")).containsExactly("pd", "dbas");
  }

  @Test
  void reviewDigestsGoOnlyToReceiversThatTakeThem() {
    ReceiverConfig am = new ReceiverConfig("am", ReceiverType.ALERTMANAGER, Optional.of(URI.create("http://127.0.0.1:9093")),
        Optional.empty(), Optional.empty());
    AlertsConfig config = new AlertsConfig(Duration.ofMinutes(90), Severity.WARNING, List.of(am, hook("chat")), List.of());
    assertThat(new Router(config).receivers(Map.of("tenant", "acme"), "review")).containsExactly("chat");
    assertThat(new Router(config).receivers(Map.of("tenant", "acme"), "alert")).containsExactly("am", "chat");
  }

  @Test
  void aRegexMatchesTheWholeValueOnly() {
    Router r = new Router(config(List.of(route(Map.of("severity", "warn"), List.of("pd"), false))));
    assertThat(r.receivers(Map.of("severity", "warning"), "alert")).isEmpty();
  }
}
