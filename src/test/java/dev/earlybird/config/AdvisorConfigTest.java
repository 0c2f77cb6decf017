package dev.earlybird.config;

import static dev.earlybird.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdvisorConfigTest {
  static final String TARGET = """
      targets:
        - name: pg
          url: jdbc:postgresql://db:5432/postgres
      """;

  @Test
  void defaultsAreOnWithBoundsAndAFiftyPercentCostReduction() throws Exception {
    AgentConfig c = parse(TARGET);
    assertThat(c.advisor()).isEqualTo(AdvisorConfig.DEFAULT);
    assertThat(c.advisor().enabled()).isTrue();
    assertThat(c.advisor().minCostReductionPct()).isEqualTo(50);
    assertThat(c.targets().get(0).advisor()).isEqualTo(TargetAdvisor.DEFAULT);
  }

  @Test
  void everyKeyBinds() throws Exception {
    AgentConfig c = parse("""
        advisor:
          enabled: false
          interval: 30s
          catalogRefresh: 10m
          maxPlansPerTarget: 5
          replanAfter: 1h
          minCostReduction: 30%
          statementTimeout: 500ms
          maxConnectionsPerTarget: 1
        targets:
          - name: pg
            url: jdbc:postgresql://db:5432/postgres
            advisor: { enabled: false, url: "jdbc:postgresql://replica:5432/postgres?sslmode=require&password=x" }
        """);
    assertThat(c.advisor()).isEqualTo(new AdvisorConfig(false, Duration.ofSeconds(30), Duration.ofMinutes(10), 5,
        Duration.ofHours(1), 30, Duration.ofMillis(500), 1));
    TargetAdvisor t = c.targets().get(0).advisor();
    assertThat(t.enabled()).isFalse();
    assertThat(t.url()).contains("jdbc:postgresql://replica:5432/postgres?sslmode=require&password=x");
    assertThat(c.targets().get(0).toString()).as("URL parameters may hold a password").doesNotContain("password=x");
  }

  @Test
  void badValuesNameTheKeyAndSayWhatIsExpected() {
    assertThatThrownBy(() -> parse("advisor: { minCostReduction: 150 }\n" + TARGET))
        .hasMessageContaining("test.yml:1:").hasMessageContaining("advisor.minCostReduction")
        .hasMessageContaining("expected a percentage above 0 and below 100");
    assertThatThrownBy(() -> parse("advisor: { statementTimeout: 5m }\n" + TARGET))
        .hasMessageContaining("statementTimeout").hasMessageContaining("at most 1m");
    assertThatThrownBy(() -> parse("advisor: { maxPlans: 5 }\n" + TARGET))
        .hasMessageContaining("maxPlans");
    assertThatThrownBy(() -> parse(TARGET + "    advisor: { url: postgres://replica/db }\n"))
        .hasMessageContaining("advisor.url").hasMessageContaining("jdbc:postgresql://");
  }

  @Test
  void aTargetWithoutAnAdvisorSectionKeepsItOn() throws Exception {
    assertThat(parse(TARGET).targets().get(0).advisor().url()).isEqualTo(Optional.empty());
  }
}
