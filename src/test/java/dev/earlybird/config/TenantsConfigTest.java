package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TenantsConfigTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "tenant_acme, acme",
    "tenant_a_b, a_b",
    "postgres, postgres",
    "tenant_, tenant_",
    "xtenant_acme, xtenant_acme",
  })
  void tenantOfDefaultPattern(String database, String tenant) {
    assertThat(TenantsConfig.DEFAULT.tenantOf(database)).isEqualTo(tenant);
  }

  @Test
  void aDatabaseWithoutANameHasNoTenant() {
    // Statements of databases a target's filter excludes are stored, unnamed; the hot list still ranks them.
    assertThat(TenantsConfig.DEFAULT.tenantOf(null)).isNull();
  }

  @Test
  void customPatternAndOverridesMergedOverDefaults() throws ConfigException {
    TenantsConfig t = TestConfigs.parse("""
        tenants:
          pattern: '^(?<tenant>[a-z]+)_(prod|stage)$'
          defaults: {timezone: America/New_York, workdayStart: "07:00", workdays: [MON, TUE, WED, THU, FRI]}
          overrides:
            acme: {timezone: Europe/London}
            globex: {workdayStart: "9:30", workdays: [SUN-THU]}
        """).tenants();
    assertThat(t.tenantOf("acme_prod")).isEqualTo("acme");
    assertThat(t.tenantOf("postgres")).isEqualTo("postgres");

    TenantSettings acme = t.settingsFor(t.tenantOf("acme_stage"));
    assertThat(acme.timezone()).isEqualTo(ZoneId.of("Europe/London"));
    assertThat(acme.workdayStart()).isEqualTo(LocalTime.of(7, 0));
    assertThat(acme.workdays()).isEqualTo(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

    TenantSettings globex = t.settingsFor("globex");
    assertThat(globex.timezone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(globex.workdayStart()).isEqualTo(LocalTime.of(9, 30));
    assertThat(globex.workdays()).containsExactly(
        DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.SUNDAY);

    assertThat(t.settingsFor("initech")).isEqualTo(t.defaults());
  }

  @Test
  void holidaysAreIsoDatesAndAnOverrideReplacesTheDefaultsList() throws ConfigException {
    TenantsConfig t = TestConfigs.parse("""
        tenants:
          defaults: {holidays: ["2026-12-25", 2026-01-01, "2026-12-25"]}
          overrides:
            acme: {timezone: Europe/London, holidays: ["2026-12-26"]}
            globex: {holidays: []}
            initech: {workdayStart: "08:00"}
        """).tenants();
    LocalDate christmas = LocalDate.of(2026, 12, 25);
    assertThat(t.defaults().holidays()).containsExactly(LocalDate.of(2026, 1, 1), christmas);
    assertThat(t.settingsFor("acme").holidays()).containsExactly(LocalDate.of(2026, 12, 26));
    assertThat(t.settingsFor("globex").holidays()).isEmpty();
    assertThat(t.settingsFor("initech").holidays()).isEqualTo(t.defaults().holidays());
    assertThat(TenantSettings.DEFAULT.holidays()).isEmpty();
  }

  @Test
  void databaseFilterUsesFindSemantics() {
    DatabaseFilter f = DatabaseFilter.defaults();
    assertThat(f.accepts("tenant_acme")).isTrue();
    assertThat(f.accepts("postgres")).isTrue();
    assertThat(f.accepts("rdsadmin")).isFalse();
    assertThat(f.accepts("rdsadmin2")).isTrue();
    assertThat(f.accepts("template0")).isFalse();
    assertThat(f.accepts("my_template")).isTrue();

    DatabaseFilter tenantsOnly = DatabaseFilter.of(java.util.List.of("^tenant_", "^shared$"), java.util.List.of("_old$"));
    assertThat(tenantsOnly.accepts("tenant_a")).isTrue();
    assertThat(tenantsOnly.accepts("shared")).isTrue();
    assertThat(tenantsOnly.accepts("shared2")).isFalse();
    assertThat(tenantsOnly.accepts("tenant_a_old")).isFalse();
  }
}
