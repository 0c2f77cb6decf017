package dev.earlybird.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.MetricsConfig;
import dev.earlybird.metrics.StatementSeries.Activity;
import dev.earlybird.metrics.StatementSeries.Key;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The opt-in per-statement series: top-K per target, hysteresis, a hard budget, staleness. */
class StatementSeriesTest {
  static Key key(String target, long queryId) {
    return new Key(target, "tenant_a", "a", queryId);
  }

  static Activity act(String target, long queryId, double cpuSeconds) {
    return new Activity(key(target, queryId), 10, cpuSeconds * 1.5, cpuSeconds);
  }

  static String scrape(AgentMetrics m) {
    return m.scrape("text/plain").body();
  }

  static List<String> exportedQueryIds(AgentMetrics m) {
    Matcher x = Pattern.compile("(?m)^earlybird_statement_cpu_seconds_total\\{[^}]*queryid=\"(-?\\d+)\"").matcher(scrape(m));
    List<String> out = new java.util.ArrayList<>();
    while (x.find()) {
      out.add(x.group(1));
    }
    return out;
  }

  @Test
  void offByDefaultExportsNoStatementSeries() {
    AgentMetrics m = new AgentMetrics("test");
    m.statementActivity("pg1", List.of(act("pg1", 1, 5)));

    assertThat(m.statementSeriesEnabled()).isFalse();
    assertThat(scrape(m)).doesNotContain("earlybird_statement_cpu_seconds_total");
    assertThat(scrape(m)).contains("earlybird_statement_series 0");
  }

  @Test
  void exportsTheTopStatementsWithTheirCountersAndNoText() {
    AgentMetrics m = new AgentMetrics("test", new MetricsConfig(2, 500));
    m.statementActivity("pg1", List.of(act("pg1", 1, 5), act("pg1", 2, 3), act("pg1", 3, 1)));
    m.statementActivity("pg1", List.of(act("pg1", 1, 5), act("pg1", 2, 3), act("pg1", 3, 1)));

    assertThat(exportedQueryIds(m)).containsExactlyInAnyOrder("1", "2");
    assertThat(scrape(m)).contains(
        "earlybird_statement_calls_total{database=\"tenant_a\",queryid=\"1\",target=\"pg1\",tenant=\"a\"} 20.0",
        "earlybird_statement_cpu_seconds_total{database=\"tenant_a\",queryid=\"1\",target=\"pg1\",tenant=\"a\"} 10.0",
        "earlybird_statement_series 6");
  }

  @Test
  void aStatementSlippingJustOutOfTheTopKeepsItsSeriesUntilItFallsFar() {
    AgentMetrics m = new AgentMetrics("test", new MetricsConfig(2, 500));
    m.statementActivity("pg1", List.of(act("pg1", 1, 5), act("pg1", 2, 3), act("pg1", 3, 1)));
    // 2 goes quiet for a poll and 3 is busier: 2 is third now, within 2 x top, so no churn.
    m.statementActivity("pg1", List.of(act("pg1", 1, 5), act("pg1", 3, 4)));
    assertThat(exportedQueryIds(m)).contains("1", "2");

    // Five busier statements push 2 out of the top 4: now it goes, and its series with it.
    for (int i = 0; i < 6; i++) {
      m.statementActivity("pg1", List.of(act("pg1", 1, 5), act("pg1", 3, 4), act("pg1", 4, 9), act("pg1", 5, 9),
          act("pg1", 6, 9), act("pg1", 7, 9)));
    }
    assertThat(exportedQueryIds(m)).doesNotContain("2");
  }

  @Test
  void theSeriesBudgetHoldsOverAllTargetsAndCountsWhatItLeavesOut() {
    AgentMetrics m = new AgentMetrics("test", new MetricsConfig(2, 6));
    m.statementActivity("pg1", List.of(act("pg1", 1, 5), act("pg1", 2, 3)));
    m.statementActivity("pg2", List.of(act("pg2", 8, 50), act("pg2", 9, 30)));

    assertThat(exportedQueryIds(m)).hasSize(2);
    assertThat(scrape(m)).contains("earlybird_statement_series 6", "earlybird_statement_series_dropped_total 6.0");
  }

  @Test
  void aTargetThatStopsAnsweringLosesItsStatementSeries() {
    AgentMetrics m = new AgentMetrics("test", new MetricsConfig(2, 500));
    m.statementActivity("pg1", List.of(act("pg1", 1, 5)));
    m.forgetTargetDetails("pg1");

    assertThat(exportedQueryIds(m)).isEmpty();
    assertThat(scrape(m)).contains("earlybird_statement_series 0");
  }
}
