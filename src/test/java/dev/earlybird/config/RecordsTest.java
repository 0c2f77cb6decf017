package dev.earlybird.config;

import dev.earlybird.model.Severity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Configs built in code (tests, the demo) get the same invariants as loaded ones. */
class RecordsTest {

  @Test
  void pollTimeoutDefaultsAndMustBeBelowInterval() {
    assertThat(new PollConfig(Duration.ofSeconds(10), Duration.ofMinutes(1), null, Duration.ofSeconds(1), 100)
        .timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> new PollConfig(
        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(1), 100))
        .hasMessageContaining("must be shorter than poll.interval");
  }

  @Test
  void invariants() {
    assertThatThrownBy(() -> new TenantsConfig(Pattern.compile("^t_(.+)$"), TenantSettings.DEFAULT, Map.of()))
        .hasMessageContaining("(?<tenant>");
    assertThatThrownBy(() -> new ReceiverConfig(
        "pd", ReceiverType.PAGERDUTY, Optional.empty(), Optional.empty(), Optional.empty()))
        .hasMessageContaining("routingKey");
    assertThatThrownBy(() -> new ReceiverConfig(
        "am", ReceiverType.ALERTMANAGER, Optional.empty(), Optional.empty(), Optional.empty()))
        .hasMessageContaining("url");
    assertThatThrownBy(() -> new ReceiverConfig(
        "m", ReceiverType.EMAIL, Optional.empty(), Optional.empty(), Optional.empty()))
        .hasMessageContaining("smtp, from and to are needed");
    assertThatThrownBy(() -> new EmailConfig(URI.create("smtp://mail"), "eb@example.com", List.of(),
        Optional.empty(), Optional.empty(), Optional.empty())).hasMessageContaining("at least one address");
    assertThatThrownBy(() -> new EmailConfig(URI.create("smtp://mail"), "eb@example.com", List.of("d@e.io"),
        Optional.of("eb"), Optional.empty(), Optional.empty())).hasMessageContaining("user and password go together");
    assertThatThrownBy(() -> AgentConfig.defaults(List.of(
        TargetConfig.of("a", "jdbc:postgresql://h/x"), TargetConfig.of("a", "jdbc:postgresql://h/y"))))
        .hasMessageContaining("duplicate target name a");
    assertThatThrownBy(() -> TargetConfig.of("bad name", "jdbc:postgresql://h/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TargetConfig.of("a", "postgres://h/x")).hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(() -> new AlertsConfig(Duration.ofMinutes(90), Severity.WARNING, List.of(),
        List.of(new RouteConfig(Map.of(), List.of("nobody"))))).hasMessageContaining("undefined receiver nobody");
    assertThatThrownBy(() -> new RegressionConfig(Duration.ofHours(1), 50, 1.0)).hasMessageContaining("above 1");
  }

  @Test
  void slackUrlAndUserInfoAreNotPrinted() {
    ReceiverConfig slack = new ReceiverConfig("s", ReceiverType.SLACK,
        Optional.of(URI.create("https://hooks.slack.com/services/T0/B0/token")), Optional.empty(), Optional.empty());
    assertThat(slack.toString()).contains("https://hooks.slack.com/***").doesNotContain("token");
    ReceiverConfig hook = new ReceiverConfig("h", ReceiverType.WEBHOOK,
        Optional.of(URI.create("https://hooks.example.com/in/t0ken?sig=abc")), Optional.empty(), Optional.empty());
    assertThat(hook.toString()).contains("https://hooks.example.com/***").doesNotContain("t0ken").doesNotContain("abc");
    ReceiverConfig mail = ReceiverConfig.email("m", new EmailConfig(URI.create("smtps://mail.example.com"),
        "eb@example.com", List.of("dba@example.com"), Optional.of("eb"), Optional.of(new Secret("pa55")),
        Optional.empty()));
    assertThat(mail.toString()).contains("smtps://mail.example.com:465", "dba@example.com").doesNotContain("pa55");
    assertThat(new StoreConfig.Postgres("jdbc:postgresql://h/eb?user=u&password=pw").toString())
        .isEqualTo("jdbc:postgresql://h/eb?user=u&password=***");
  }

  @Test
  void severityOrder() {
    assertThat(Severity.CRITICAL.atLeast(Severity.WARNING)).isTrue();
    assertThat(Severity.INFO.atLeast(Severity.WARNING)).isFalse();
  }
}
