package dev.earlybird.config;

import dev.earlybird.model.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DefaultsTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", "# only a comment\n", "---\n", "targets:\n", "targets: []\n", "poll: {}\nalerts:\n"})
  void emptyConfigsGiveEveryDefaultAndNoTargets(String yaml) throws ConfigException {
    AgentConfig config = TestConfigs.parse(yaml);
    assertThat(config).isEqualTo(AgentConfig.defaults(List.of()));
    assertThat(config.targets()).isEmpty();
  }

  @Test
  void everyDefault() {
    AgentConfig c = AgentConfig.defaults(List.of());
    assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 9860));
    assertThat(c.store()).isEqualTo(new StoreConfig.DuckDb(Path.of("./data/earlybird.duckdb")));

    assertThat(c.poll().interval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.poll().textRefresh()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.poll().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.poll().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.poll().textMaxLength()).isEqualTo(8000);
    assertThat(c.poll().queryText()).isEqualTo(QueryTextMode.REDACT);

    assertThat(c.retention()).isEqualTo(
        new RetentionConfig(Duration.ofHours(48), Duration.ofDays(35), Duration.ofDays(400)));

    assertThat(c.tenants().pattern().pattern()).isEqualTo("^tenant_(?<tenant>.+)$");
    assertThat(c.tenants().defaults().timezone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(c.tenants().defaults().workdayStart()).isEqualTo(LocalTime.of(7, 0));
    assertThat(c.tenants().defaults().workdays()).isEqualTo(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
    assertThat(c.tenants().overrides()).isEmpty();

    assertThat(c.analysis().hot().top()).isEqualTo(25);
    assertThat(c.analysis().baseline()).isEqualTo(new BaselineConfig(BaselineMode.SEASONAL, Duration.ofDays(28)));
    assertThat(c.analysis().regression()).isEqualTo(new RegressionConfig(Duration.ofHours(1), 50, 1.5));

    assertThat(c.alerts().leadTime()).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.alerts().minSeverity()).isEqualTo(Severity.WARNING);
    assertThat(c.alerts().receivers()).isEmpty();
    assertThat(c.alerts().routes()).isEmpty();
  }

  @Test
  void targetDefaults() throws ConfigException {
    TargetConfig t = TestConfigs.parse("targets: [{name: a, url: 'jdbc:postgresql://h/postgres'}]").targets().get(0);
    assertThat(t.user()).isNull();
    assertThat(t.password()).isNull();
    assertThat(t.aws()).isEmpty();
    assertThat(t.databases()).isEqualTo(DatabaseFilter.defaults());
    assertThat(t.databases().include()).extracting(p -> p.pattern()).containsExactly(".*");
    assertThat(t.databases().exclude()).extracting(p -> p.pattern()).containsExactly("^rdsadmin$", "^template");
    assertThat(t).isEqualTo(TargetConfig.of("a", "jdbc:postgresql://h/postgres"));
  }

  @ParameterizedTest(name = "interval {0} -> default timeout {1}")
  @org.junit.jupiter.params.provider.CsvSource({"5s, 2500ms", "60s, 30s", "10m, 30s", "1s, 500ms"})
  void defaultTimeoutIsHalfTheIntervalCappedAt30s(String interval, String timeout) throws ConfigException {
    PollConfig poll = TestConfigs.parse("poll: {interval: " + interval + "}").poll();
    assertThat(poll.timeout()).isEqualTo(Durations.parse(timeout));
  }

  @Test
  void workdaysAcceptFullNamesRangesAndAnyCase() throws ConfigException {
    TenantsConfig t = TestConfigs.parse("""
        tenants:
          defaults: { workdays: [monday, Tue, WED-fri] }
          overrides: { a: { workdays: SAT-MON }, b: { workdays: [] } }
        """).tenants();
    assertThat(t.defaults().workdays()).isEqualTo(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
    assertThat(t.settingsFor("a").workdays())
        .isEqualTo(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY));
    assertThat(t.settingsFor("b").workdays()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
    "127.0.0.1:9860 | 127.0.0.1 | 9860",
    ":9860          | 0.0.0.0   | 9860",
    "\"[::1]:9861\" | ::1       | 9861",
    "localhost:0    | localhost | 0",
  })
  void listenForms(String yaml, String host, int port) throws ConfigException {
    assertThat(TestConfigs.parse("listen: " + yaml).listen()).isEqualTo(new HostPort(host, port));
  }

  @Test
  void hostPortPrintsParseableForm() {
    assertThat(HostPort.parse("[::1]:9860").toString()).isEqualTo("[::1]:9860");
    assertThat(HostPort.DEFAULT.toString()).isEqualTo("127.0.0.1:9860");
  }

  @ParameterizedTest
  @CsvSource({"redact, REDACT", "full, FULL", "none, NONE", "Full, FULL"})
  void queryTextModes(String yaml, QueryTextMode mode) throws ConfigException {
    assertThat(TestConfigs.parse("poll: {queryText: " + yaml + "}\n").poll().queryText()).isEqualTo(mode);
  }

  @Test
  void postgresStore() throws ConfigException {
    assertThat(TestConfigs.parse("store: jdbc:postgresql://db:5432/earlybird").store())
        .isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db:5432/earlybird"));
  }
}
