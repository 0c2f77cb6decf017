package dev.earlybird.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  @Test
  void databaseCpuIsSplitByTheLayerItCameFromAndGoesWithTheDatabase() {
    AgentMetrics m = new AgentMetrics("test");
    var labels = new AgentMetrics.DatabaseLabels("pg1", "tenant_a", "a");
    m.databaseActivity(labels, new AgentMetrics.DatabaseActivity(10, 2.5,
        Map.of("pg_stat_kcache", 1.5, "exec_minus_io", 0.25), 100, 0));
    m.databaseActivity(labels, new AgentMetrics.DatabaseActivity(5, 1, Map.of("pg_stat_kcache", 0.5), 50, 0));

    String scrape = m.scrape("text/plain").body();
    assertThat(scrape).contains(
        "earlybird_database_cpu_seconds_total{cpu_source=\"pg_stat_kcache\",database=\"tenant_a\",target=\"pg1\","
            + "tenant=\"a\"} 2.0",
        "earlybird_database_cpu_seconds_total{cpu_source=\"exec_minus_io\",database=\"tenant_a\",target=\"pg1\","
            + "tenant=\"a\"} 0.25",
        "earlybird_database_calls_total{database=\"tenant_a\",target=\"pg1\",tenant=\"a\"} 15.0");

    m.retainDatabases("pg1", java.util.Set.of());
    assertThat(m.scrape("text/plain").body()).doesNotContain("tenant_a");
  }

  @Test
  void aTargetsErrorReasonsAndFindingsExistAtZeroBeforeTheFirstOne() {
    AgentMetrics m = new AgentMetrics("test");
    m.registerTarget("pg1", "pg_stat_statements", java.util.List.of("connect", "dns", "too_many_connections"));
    String scrape = m.scrape("text/plain").body();
    // rate() and increase() need a sample before the first error, or the first one is invisible to alert rules.
    assertThat(scrape).contains(
        "earlybird_poll_errors_total{reason=\"dns\",source=\"pg_stat_statements\",target=\"pg1\"} 0.0",
        "earlybird_poll_errors_total{reason=\"too_many_connections\",source=\"pg_stat_statements\",target=\"pg1\"} 0.0",
        "earlybird_findings_active{kind=\"regression\",severity=\"critical\",target=\"pg1\"} 0.0",
        "earlybird_findings_active{kind=\"hot\",severity=\"warning\",target=\"pg1\"} 0.0",
        "earlybird_statements_hidden{target=\"pg1\"} 0.0",
        "earlybird_target_server_changes_total{target=\"pg1\"} 0.0");
  }

  @Test
  void theForecastRatioIsSetPerTargetAndGoesWhenATargetHasNoForecast() {
    AgentMetrics m = new AgentMetrics("test");
    m.forecastCpuRatios(Map.of("pg1", java.util.OptionalDouble.of(0.85), "pg2", java.util.OptionalDouble.of(0.4)));
    m.forecastCpuRatios(Map.of("pg1", java.util.OptionalDouble.of(0.9)));
    assertThat(m.scrape("text/plain").body()).contains(
        "earlybird_forecast_cpu_ratio{target=\"pg1\"} 0.9", "earlybird_forecast_cpu_ratio{target=\"pg2\"} 0.4");

    m.forecastCpuRatios(Map.of("pg1", java.util.OptionalDouble.empty()));
    assertThat(m.scrape("text/plain").body()).doesNotContain("target=\"pg1\"").contains("target=\"pg2\"");
  }
}
