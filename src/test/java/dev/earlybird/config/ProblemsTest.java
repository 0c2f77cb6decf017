package dev.earlybird.config;

import dev.earlybird.model.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One bad config per row: exactly one problem, at the right line and key path, saying what to do. */
class ProblemsTest {
  private static final String URL = "url: jdbc:postgresql://h/db";

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        row("unknown key with suggestion", """
            targets:
              - name: a
                url: jdbc:postgresql://h/db
                pasword: x
            """, "test.yml:4: targets[0].pasword: ", "unknown key; did you mean password?"),
        row("unknown top-level key", "polls: {}\n", "test.yml:1: polls: ", "unknown key; did you mean poll?"),
        row("snake_case key", "poll:\n  text_refresh: 5m\n", "test.yml:2: poll.text_refresh: ",
            "did you mean textRefresh?"),
        row("unknown key without suggestion", "poll: {zzzzzzzz: 1}\n", "test.yml:1: poll.zzzzzzzz: ",
            "unknown key; expected one of interval, textRefresh, timeout, connectTimeout, textMaxLength"),
        row("unknown key in analysis", "analysis:\n  hot: {top: 5, bottom: 3}\n", "test.yml:2: analysis.hot.bottom: ",
            "unknown key; expected one of top"),
        row("unknown key in override", "tenants:\n  overrides:\n    acme: {timezone: UTC, tz: UTC}\n",
            "test.yml:3: tenants.overrides.acme.tz: ", "unknown key"),
        row("bad regex", """
            targets:
              - name: a
                url: jdbc:postgresql://h/db
                databases:
                  exclude: ["^template", "(tenant"]
            """, "test.yml:5: targets[0].databases.exclude[1]: ",
            "\"(tenant\" is not a valid regular expression: Unclosed group"),
        row("empty include", "targets: [{name: a, " + URL + ", databases: {include: []}}]",
            "test.yml:1: targets[0].databases.include: ", "expected at least one pattern"),
        row("duplicate target name", """
            targets:
              - name: prod
                url: jdbc:postgresql://h1/db
              - name: prod
                url: jdbc:postgresql://h2/db
            """, "test.yml:4: targets[1].name: ",
            "duplicate target name \"prod\", first used by targets[0].name at test.yml:2; expected unique names"),
        row("missing url", "targets:\n  - name: a\n", "test.yml:2: targets[0].url: ",
            "missing; expected a URL like jdbc:postgresql://host:5432/postgres"),
        row("null url", "targets:\n  - name: a\n    url:\n", "test.yml:2: targets[0].url: ", "missing"),
        row("missing name", "targets:\n  - " + URL + "\n", "test.yml:2: targets[0].name: ",
            "missing; expected a unique name"),
        row("bad target name", "targets: [{name: 'prod db', " + URL + "}]", "test.yml:1: targets[0].name: ",
            "\"prod db\" is not a valid target name; expected 1-63 letters"),
        row("libpq url", "targets: [{name: a, url: 'postgres://h/db'}]", "test.yml:1: targets[0].url: ",
            "prefix it with jdbc:"),
        row("unknown time zone", "tenants:\n  defaults:\n    timezone: Europe/Londn\n",
            "test.yml:3: tenants.defaults.timezone: ",
            "\"Europe/Londn\" is not a known time zone; expected an IANA zone like Europe/London or America/New_York "
                + "(did you mean Europe/London?)"),
        row("zone abbreviation", "tenants: {defaults: {timezone: PST}}", "test.yml:1: tenants.defaults.timezone: ",
            "did you mean America/Los_Angeles?"),
        row("bad workday", "tenants: {defaults: {workdays: [MON, FUN]}}", "test.yml:1: tenants.defaults.workdays[1]: ",
            "\"FUN\" is not a day of the week"),
        row("bad holiday", "tenants:\n  overrides:\n    acme:\n      holidays: [2026-12-25, 25.12.2026]\n",
            "test.yml:4: tenants.overrides.acme.holidays[1]: ",
            "\"25.12.2026\" is not a date; expected an ISO date YYYY-MM-DD like \"2026-12-25\""),
        row("impossible holiday", "tenants: {defaults: {holidays: ['2026-02-30']}}",
            "test.yml:1: tenants.defaults.holidays[0]: ", "\"2026-02-30\" is not a date"),
        row("holidays not a list", "tenants: {defaults: {holidays: 2026-12-25}}",
            "test.yml:1: tenants.defaults.holidays: ", "expected a list"),
        row("bad workday start", "tenants: {defaults: {workdayStart: '25:00'}}",
            "test.yml:1: tenants.defaults.workdayStart: ", "is not a time of day; expected 24-hour HH:MM"),
        row("tenant pattern without group", "tenants:\n  pattern: '^tenant_(.+)$'\n", "test.yml:2: tenants.pattern: ",
            "has no named group \"tenant\"; expected a pattern with (?<tenant>...)"),
        row("bare port", "listen: 9860\n", "test.yml:1: listen: ",
            "\"9860\" is not a listen address; expected host:port like 127.0.0.1:9860, :9860 (all interfaces) or "
                + "[::1]:9860 (write :9860 for all interfaces)"),
        row("unbracketed ipv6", "listen: '::1:9860'\n", "test.yml:1: listen: ", "put IPv6 addresses in brackets"),
        row("port out of range", "listen: 'localhost:70000'\n", "test.yml:1: listen: ", "ports are 0..65535"),
        row("no port", "listen: localhost\n", "test.yml:1: listen: ", "is not a listen address"),
        row("bad store", "store: sqlite:x.db\n", "test.yml:1: store: ", "unknown store; expected duckdb:PATH"),
        row("list where map expected", "poll: [5s]\n", "test.yml:1: poll: ",
            "expected a map with keys interval, textRefresh"),
        row("map where list expected", "targets: {name: a}\n", "test.yml:1: targets: ", "expected a list, got a map"),
        row("list where value expected", "poll:\n  interval: [5s]\n", "test.yml:2: poll.interval: ",
            "expected a single value, got a list"),
        row("bad duration", "poll: {interval: 5x}\n", "test.yml:1: poll.interval: ",
            "\"5x\" is not a duration; expected a duration like 500ms, 5s, 10m, 2h or 28d"),
        row("zero interval", "poll: {interval: 0s}\n", "test.yml:1: poll.interval: ", "is zero"),
        row("timeout not below interval", "poll:\n  interval: 10s\n  timeout: 10s\n", "test.yml:3: poll.timeout: ",
            "10s is not shorter than poll.interval (10s)"),
        row("bad int", "poll: {textMaxLength: lots}\n", "test.yml:1: poll.textMaxLength: ", "is not a whole number"),
        row("bad enum", "analysis:\n  baseline: {mode: seasnal}\n", "test.yml:2: analysis.baseline.mode: ",
            "\"seasnal\" is not a baseline mode; expected one of seasonal, rolling (did you mean seasonal?)"),
        row("bad query text mode", "poll:\n  queryText: redacted\n", "test.yml:2: poll.queryText: ",
            "\"redacted\" is not a query text mode; expected one of redact, full, none (did you mean redact?)"),
        row("ratio not above 1", "analysis: {regression: {minRatio: 1}}", "test.yml:1: analysis.regression.minRatio: ",
            "expected a number above 1.0"),
        row("zero min calls", "analysis: {regression: {minCalls: 0}}", "test.yml:1: analysis.regression.minCalls: ",
            "out of range"),
        row("lead time a day", "alerts: {leadTime: 24h}", "test.yml:1: alerts.leadTime: ", "expected a lead time under 24h"),
        row("bad severity", "alerts: {minSeverity: warn}", "test.yml:1: alerts.minSeverity: ", "did you mean warning?"),
        row("receiver without url", "alerts:\n  receivers:\n    - {name: am, type: alertmanager}\n",
            "test.yml:3: alerts.receivers[0].url: ", "missing; expected the Alertmanager base URL"),
        row("pagerduty without key", "alerts:\n  receivers:\n    - {name: pd, type: pagerduty}\n",
            "test.yml:3: alerts.receivers[0].routingKey: ", "missing; expected the PagerDuty integration"),
        row("key for another type", "alerts:\n  receivers:\n    - {name: s, type: slack, url: 'https://h/x', routingKey: k}\n",
            "test.yml:3: alerts.receivers[0].routingKey: ", "not used by slack receivers; expected it only with type: pagerduty"),
        row("unknown receiver type", "alerts: {receivers: [{name: x, type: sms, url: 'http://h'}]}",
            "test.yml:1: alerts.receivers[0].type: ", "expected one of alertmanager, pagerduty, slack, webhook, email"),
        row("email without to", "alerts: {receivers: [{name: m, type: email, smtp: 'smtp://mail', from: a@b.io}]}",
            "test.yml:1: alerts.receivers[0].to: ", "missing; expected a list of recipient addresses like [dba@example.com]"),
        row("bad email address", "alerts: {receivers: [{name: m, type: email, smtp: 'smtp://mail', from: a@b.io, "
            + "to: ['dba@example.com, ops@example.com']}]}", "test.yml:1: alerts.receivers[0].to[0]: ",
            "is not an email address; expected one address like dba@example.com per list entry"),
        row("bad smtp url", "alerts: {receivers: [{name: m, type: email, smtp: 'mail.example.com:25', from: a@b.io, "
            + "to: [c@d.io]}]}", "test.yml:1: alerts.receivers[0].smtp: ",
            "is not an smtp URL with a host; expected smtp://host:587 (STARTTLS) or smtps://host:465"),
        row("login in the smtp url", "alerts: {receivers: [{name: m, type: email, smtp: 'smtp://u:pw@mail', from: a@b.io, "
            + "to: [c@d.io]}]}", "test.yml:1: alerts.receivers[0].smtp: ", "put the login in user and password"),
        row("smtp user without password", "alerts: {receivers: [{name: m, type: email, smtp: 'smtp://mail', "
            + "from: a@b.io, to: [c@d.io], user: eb}]}", "test.yml:1: alerts.receivers[0].password: ",
            "missing; expected the SMTP password with user"),
        row("missing caFile", "alerts: {receivers: [{name: m, type: email, smtp: 'smtps://mail', from: a@b.io, "
            + "to: c@d.io, caFile: /nonexistent/ca.pem}]}", "test.yml:1: alerts.receivers[0].caFile: ",
            "is not a readable file; expected the PEM certificate of the CA"),
        row("email key on slack", "alerts: {receivers: [{name: s, type: slack, url: 'https://h/x', to: [c@d.io]}]}",
            "test.yml:1: alerts.receivers[0].to: ", "not used by slack receivers; expected it only with type: email"),
        row("url on email", "alerts: {receivers: [{name: m, type: email, url: 'https://h', smtp: 'smtp://mail', "
            + "from: a@b.io, to: [c@d.io]}]}", "test.yml:1: alerts.receivers[0].url: ",
            "not used by email receivers; expected the mail server in smtp:"),
        row("bad receiver url", "alerts: {receivers: [{name: x, type: webhook, url: 'ftp://h/x'}]}",
            "test.yml:1: alerts.receivers[0].url: ", "not an http(s) URL"),
        row("route to undefined receiver", """
            alerts:
              receivers:
                - {name: oncall, type: alertmanager, url: 'http://am:9093'}
              routes:
                - match: {severity: critical}
                  receivers: [oncal]
            """, "test.yml:6: alerts.routes[0].receivers[0]: ",
            "\"oncal\" is not a defined receiver; expected one of oncall (did you mean oncall?)"),
        row("route without receivers", "alerts: {routes: [{match: {severity: critical}}]}",
            "test.yml:1: alerts.routes[0].receivers: ", "missing"),
        row("aws without region", "targets: [{name: a, " + URL + ", aws: {dbInstanceIdentifier: a}}]",
            "test.yml:1: targets[0].aws.region: ", "missing; expected an AWS region like us-east-1"),
        row("availability zone as region", "targets: [{name: a, " + URL + ", aws: {region: us-east-1a}}]",
            "test.yml:1: targets[0].aws.region: ", "not an availability zone"),
        row("instance name as resource id", "targets: [{name: a, " + URL + ", aws: {region: us-east-1, dbiResourceId: prod}}]",
            "test.yml:1: targets[0].aws.dbiResourceId: ", "is not a DbiResourceId"),
        row("duplicate key", "poll: {interval: 5s}\npoll: {interval: 6s}\n", "test.yml:2: poll: ",
            "duplicate key; already set at line 1"),
        row("not YAML", "poll: {interval: 5s\n", "test.yml:2: ", "not valid YAML"),
        row("not a map at top", "- a\n- b\n", "test.yml:1: ", "expected a map with keys listen, store"),
        row("empty target entry", "targets:\n  -\n", "test.yml:2: targets[0]: ",
            "empty entry; expected a target with at least name and url"),
        row("empty receiver entry", "alerts: {receivers: [~]}", "test.yml:1: alerts.receivers[0]: ", "empty entry"),
        row("two documents", "poll: {}\n---\npoll: {}\n", "test.yml:", "not valid YAML"));
  }

  private static Arguments row(String name, String yaml, String prefix, String fragment) {
    return Arguments.of(name, yaml, prefix, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void reportsOneProblemWithLineKeyAndFix(String name, String yaml, String prefix, String fragment) {
    List<String> problems = TestConfigs.problems(yaml);
    assertThat(problems).as(name).hasSize(1);
    assertThat(problems.get(0)).startsWith(prefix).contains(fragment);
  }

  @Test
  void reportsEveryProblemAtOnceInFileOrder() {
    List<String> problems = TestConfigs.problems("""
        listen: nowhere
        poll:
          interval: 5 minutes
        targets:
          - name: a
          - name: b
            url: jdbc:postgresql://h/db
            pasword: x
        tenants:
          defaults: {timezone: Mars/Olympus}
        """);
    assertThat(problems).hasSize(5);
    assertThat(problems).extracting(p -> p.split(": ")[0] + ": " + p.split(": ")[1]).containsExactly(
        "test.yml:1: listen", "test.yml:3: poll.interval", "test.yml:5: targets[0].url",
        "test.yml:8: targets[1].pasword", "test.yml:10: tenants.defaults.timezone");
    try {
      TestConfigs.parse("listen: x\npoll: {interval: y}\n");
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems())).contains("\n");
    }
  }

  @Test
  void problemsAreSortedByLineEvenWhenFoundOutOfOrder() {
    List<String> problems = TestConfigs.problems("""
        targets:
          - name: a
            url: jdbc:postgresql://h/db
          - name: a
            url: jdbc:postgresql://h/db
            pasword: x
        """);
    assertThat(problems).extracting(p -> p.split(": ")[0]).containsExactly("test.yml:4", "test.yml:6");
  }

  @Test
  void badIntervalDoesNotAlsoBlameTheTimeout() {
    assertThat(TestConfigs.problems("poll: {interval: 5 minutes, timeout: 2h}"))
        .singleElement().asString().startsWith("test.yml:1: poll.interval: ");
  }

  @Test
  void substitutionInKeysIsNotApplied() {
    assertThat(TestConfigs.problems("${env:X}: 1\n", java.util.Map.of("X", "poll")))
        .containsExactly("test.yml:1: ${env:X}: unknown key; expected one of listen, store, poll, retention, "
            + "targets, tenants, analysis, alerts, web, aws, discovery, metrics, advisor, shards");
  }

  @Test
  void mergeKeysShareSettings() throws ConfigException {
    AgentConfig config = TestConfigs.parse("""
        tenants:
          overrides:
            acme: &eu {timezone: Europe/Berlin, workdayStart: "08:00"}
            globex: {<<: *eu, workdayStart: "09:00"}
        """);
    assertThat(config.tenants().settingsFor("globex").timezone()).hasToString("Europe/Berlin");
    assertThat(config.tenants().settingsFor("globex").workdayStart()).hasToString("09:00");
  }
}
