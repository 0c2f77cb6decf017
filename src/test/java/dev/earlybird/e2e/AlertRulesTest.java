package dev.earlybird.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus rules ({@code alerts/}) as a user gets them: Prometheus accepts them ({@code promtool check
 * rules}), every rule behaves as its unit tests say ({@code promtool test rules}), and every alert carries what on-call
 * needs (severity, summary, description, a runbook section that exists) and reads metrics the agent exports.
 *
 * <p>promtool comes from Debian's {@code prometheus} package (in {@code .ci/apt-packages}); without it these tests
 * fail, saying how to install it.
 */
class AlertRulesTest {
  /** Metrics the rules read that later releases export; README's "Prometheus alerts" section says so. */

  static final Set<String> SEVERITIES = Set.of("critical", "warning");

  @Test
  void prometheusAcceptsTheRuleFiles() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(AlertRules.tool("promtool", "prometheus").toString(), "check", "rules"));
    AlertRules.ruleFiles().forEach(f -> cmd.add(f.toString()));

    AlertRules.Run run = AlertRules.run(AlertRules.directory(), 60, cmd);

    assertThat(run.exitCode()).as("%s failed:%n%s", String.join(" ", cmd), run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS: " + AlertRules.alerts().size() + " rules found");
  }

  @Test
  void everyRulesUnitTestsPass() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(AlertRules.tool("promtool", "prometheus").toString(), "test", "rules"));
    AlertRules.testFiles().forEach(f -> cmd.add(f.toString()));

    AlertRules.Run run = AlertRules.run(AlertRules.directory(), 120, cmd);

    assertThat(run.exitCode()).as("%s failed:%n%s", String.join(" ", cmd), run.output()).isZero();
    assertThat(run.output()).doesNotContain("FAILED");
  }

  @Test
  void everyAlertIsTestedFiringAndNotFiring() {
    Map<String, Set<String>> seen = new LinkedHashMap<>();
    for (Path file : AlertRules.testFiles()) {
      JsonNode test = AlertRules.read(file);
      assertThat(test.path("rule_files").toString()).as("%s loads the shipped rules", file).contains("earlybird.rules.yml");
      for (JsonNode t : test.path("tests")) {
        for (JsonNode check : t.path("alert_rule_test")) {
          String outcome = check.path("exp_alerts").isEmpty() ? "quiet" : "firing";
          seen.computeIfAbsent(check.path("alertname").asText(), a -> new TreeSet<>()).add(outcome);
        }
      }
    }
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    AlertRules.alerts().forEach(a -> expected.put(a.path("alert").asText(), Set.of("firing", "quiet")));

    assertThat(seen)
        .as("each alert needs a promtool test where it fires and one where it does not (alerts/tests/*.yml)")
        .containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void everyAlertSaysHowBadWhatAndWhereItsRunbookIs() throws Exception {
    String runbooks = Files.readString(AlertRules.directory().resolveSibling("docs").resolve("runbooks.md"));
    List<JsonNode> alerts = AlertRules.alerts();
    assertThat(alerts).isNotEmpty();
    Set<String> names = new HashSet<>();
    for (JsonNode a : alerts) {
      String name = a.path("alert").asText();
      assertThat(names.add(name)).as("alert %s is defined twice", name).isTrue();
      assertThat(name).as("alert names start with Earlybird").matches("Earlybird[A-Z][A-Za-z]+");
      assertThat(a.path("for").asText()).as("%s has a for: duration", name).matches("[1-9][0-9]*[smh]");

      String severity = a.path("labels").path("severity").asText();
      if (severity.equals("{{ $labels.severity }}")) {
        // the alert takes the findings' severity: the expression must only let critical and warning through
        assertThat(a.path("expr").asText()).as("%s copies severity from its series", name)
            .contains("severity=~\"critical|warning\"");
      } else {
        assertThat(severity).as("%s severity", name).isIn(SEVERITIES);
      }

      JsonNode ann = a.path("annotations");
      assertThat(ann.path("summary").asText()).as("%s summary", name).isNotBlank();
      assertThat(ann.path("description").asText()).as("%s description", name).isNotBlank();
      assertThat(ann.path("runbook_url").asText()).as("%s runbook_url", name)
          .isEqualTo(AlertRules.RUNBOOKS + "#" + name.toLowerCase(java.util.Locale.ROOT));
      assertThat(runbooks.contains("\n## " + name + "\n")).as("docs/runbooks.md has a section '## %s'", name).isTrue();
    }
  }

  @Test
  void theRulesReadOnlyMetricsTheAgentExports() throws Exception {
    Set<String> catalogue = readmeMetrics();
    assertThat(catalogue).as("docs/metrics.md's Metrics table").contains("earlybird_target_up", "earlybird_target_track_io_timing");
    Pattern metric = Pattern.compile("\\bearlybird_[a-z_]+");
    Set<String> unknown = new TreeSet<>();
    for (JsonNode a : AlertRules.alerts()) {
      Matcher m = metric.matcher(a.path("expr").asText());
      while (m.find()) {
        String name = m.group().replaceFirst("_(count|sum|bucket)$", "");
        if (!catalogue.contains(name)) {
          unknown.add(a.path("alert").asText() + ": " + m.group());
        }
      }
    }
    assertThat(unknown).as("metrics used by rules but missing from docs/metrics.md's Metrics table").isEmpty();
  }

  /** Metric names in docs/metrics.md's Metrics table (the live catalogue). */
  private static Set<String> readmeMetrics() throws Exception {
    String readme = Files.readString(AlertRules.directory().resolveSibling("docs").resolve("metrics.md"));
    int start = readme.indexOf("\n## Metrics\n");
    assertThat(start).as("docs/metrics.md has a Metrics section").isPositive();
    int end = readme.indexOf("\n## ", start + 1);
    Set<String> names = new TreeSet<>();
    for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
      if (line.startsWith("| `earlybird_")) {
        Matcher m = Pattern.compile("`(earlybird_[a-z_]+)`").matcher(line.substring(0, line.indexOf(" |", 2)));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }
}
