package dev.earlybird.config;

import dev.earlybird.model.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configs people copy from: DESIGN.md's contract, the annotated full example, a fast test setup. */
class ExamplesTest {

  // Verbatim from DESIGN.md, "The contract".
  private static final String CONTRACT = """
      listen: 127.0.0.1:9860          # UI, /api/v1, /metrics, /-/healthy, /-/ready
      store: duckdb:./data/earlybird.duckdb   # or a jdbc:postgresql:// URL (shared store)
      poll:
        interval: 60s                 # durations: 500ms, 5s, 10m, 2h, 28d
        textRefresh: 10m
      targets:
        - name: aurora-prod-1         # unique; used in labels and URLs
          url: jdbc:postgresql://host:5432/postgres
          user: earlybird
          password: ${env:EARLYBIRD_PG_PASSWORD}
          databases: { include: [".*"], exclude: ["^rdsadmin$", "^template"] }
          aws:                        # optional
            region: us-east-1
            dbiResourceId: db-ABCDEFGHIJKLMNOPQRSTUVWXY   # Performance Insights
            dbInstanceIdentifier: aurora-prod-1            # CloudWatch
            endpoint: http://127.0.0.1:4566               # optional override (VPC endpoints, tests)
      tenants:
        pattern: "^tenant_(?<tenant>.+)$"
        defaults: { timezone: America/New_York, workdayStart: "07:00", workdays: [MON, TUE, WED, THU, FRI] }
        overrides: { acme: { timezone: Europe/London } }
      analysis:
        hot: { top: 25 }
        baseline: { mode: seasonal, lookback: 28d }       # seasonal | rolling
        regression: { window: 1h, minCalls: 50, minRatio: 1.5 }
      alerts:
        leadTime: 90m                 # morning review runs at workdayStart minus leadTime, tenant's zone
        minSeverity: warning          # findings at or above it are alerted as soon as found
        receivers:
          - { name: oncall, type: alertmanager, url: http://127.0.0.1:9093 }
          # type: alertmanager | pagerduty | slack | webhook (+ routingKey, secret, ... per type)
        routes: []                    # label matchers -> receiver names; none = every receiver gets every alert
      """;

  @Test
  void contractExampleLoads() throws ConfigException {
    AgentConfig c = TestConfigs.parse(CONTRACT, Map.of("EARLYBIRD_PG_PASSWORD", "pw"));
    TargetConfig t = c.targets().get(0);
    assertThat(t.name()).isEqualTo("aurora-prod-1");
    assertThat(t.user()).isEqualTo("earlybird");
    assertThat(t.password().reveal()).isEqualTo("pw");
    assertThat(t.aws()).contains(new AwsConfig("us-east-1", Optional.of("db-ABCDEFGHIJKLMNOPQRSTUVWXY"),
        Optional.of("aurora-prod-1"), Optional.of(URI.create("http://127.0.0.1:4566"))));
    assertThat(c.tenants().settingsFor("acme").timezone()).isEqualTo(ZoneId.of("Europe/London"));
    assertThat(c.tenants().settingsFor("other").timezone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(c.alerts().receivers()).containsExactly(new ReceiverConfig("oncall", ReceiverType.ALERTMANAGER,
        Optional.of(URI.create("http://127.0.0.1:9093")), Optional.empty(), Optional.empty()));
    // Everything else in the contract equals the defaults.
    assertThat(c.withTargets(List.of()).withPoll(PollConfig.defaults()).tenants().defaults().workdays())
        .isEqualTo(AgentConfig.defaults(List.of()).tenants().defaults().workdays());
    assertThat(new AgentConfig(c.listen(), c.store(), c.poll(), c.retention(), List.of(),
        AgentConfig.defaults(List.of()).tenants(), c.analysis(), AlertsConfig.defaults()))
        .isEqualTo(AgentConfig.defaults(List.of()));
  }

  @Test
  void fullExampleLoadsEveryKey() throws Exception {
    Path file = Path.of(ExamplesTest.class.getResource("/config/full-example.yml").toURI());
    AgentConfig c = ConfigLoader.parse(Files.readString(file), file.toString(), file.getParent(), Map.of(
        "EARLYBIRD_PG_PASSWORD", "pw", "PAGERDUTY_ROUTING_KEY", "rk", "SLACK_WEBHOOK_URL",
        "https://hooks.slack.com/services/T/B/x", "WEBHOOK_SECRET", "ws", "SMTP_PASSWORD", "mailpw",
        "EARLYBIRD_WEB_TOKEN",
        "0123456789abcdef0123")::get);
    assertThat(c.targets()).extracting(TargetConfig::name).containsExactly("aurora-prod-1", "selfhosted-1");
    assertThat(c.targets().get(1).password().reveal()).isEqualTo("s3cr3t-from-file");
    assertThat(c.targets().get(0).databases().accepts("tenant_x")).isTrue();
    assertThat(c.targets().get(0).databases().accepts("postgres")).isFalse();
    assertThat(c.poll().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.tenants().overrides()).containsOnlyKeys("acme", "initech");
    assertThat(c.alerts().receivers()).extracting(ReceiverConfig::type).containsExactly(
        ReceiverType.ALERTMANAGER, ReceiverType.PAGERDUTY, ReceiverType.SLACK, ReceiverType.WEBHOOK,
        ReceiverType.EMAIL);
    EmailConfig mail = c.alerts().receivers().get(4).email().orElseThrow();
    assertThat(mail.port()).isEqualTo(587);
    assertThat(mail.implicitTls()).isFalse();
    assertThat(mail.to()).containsExactly("dba@example.com", "oncall@example.com");
    assertThat(mail.password().orElseThrow().reveal()).isEqualTo("mailpw");
    assertThat(c.alerts().receivers().get(4).toString()).doesNotContain("mailpw");
    assertThat(c.alerts().receivers().get(1).routingKey().orElseThrow().reveal()).isEqualTo("rk");
    assertThat(c.alerts().receivers().get(3).secret().orElseThrow().reveal()).isEqualTo("ws");
    assertThat(c.alerts().routes()).hasSize(3);
    assertThat(c.alerts().routes().get(0).matches(Map.of("severity", "critical", "tenant", "x"))).isTrue();
    assertThat(c.alerts().routes().get(2).match()).isEmpty();
    assertThat(c.web().token().orElseThrow().reveal()).isEqualTo("0123456789abcdef0123");
  }

  @Test
  void fastTestConfigWithSecondWindowsLoads() throws ConfigException {
    AgentConfig c = TestConfigs.parse("""
        listen: 127.0.0.1:0
        poll: { interval: 5s }
        analysis:
          baseline: { mode: rolling, lookback: 3m }
          regression: { window: 40s, minCalls: 20 }
        """);
    assertThat(c.poll().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.poll().timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.analysis().baseline()).isEqualTo(new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(3)));
    assertThat(c.analysis().regression()).isEqualTo(new RegressionConfig(Duration.ofSeconds(40), 20, 1.5));
    assertThat(c.listen().port()).isZero();
  }
}
