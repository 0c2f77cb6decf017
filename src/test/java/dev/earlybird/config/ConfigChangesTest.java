package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a reload changes, computed from two configs parsed as from a file, the way a reload reads them. */
class ConfigChangesTest {
  static final String BASE = """
      listen: 127.0.0.1:9860
      poll: {interval: 10s}
      targets:
        - {name: a, url: "jdbc:postgresql://h1:5432/postgres", user: eb, password: "${env:PW}"}
        - {name: b, url: "jdbc:postgresql://h2:5432/postgres"}
      tenants:
        defaults: {timezone: UTC}
      analysis:
        regression: {minRatio: 1.5}
      """;

  static ConfigChanges between(String old, String next) throws ConfigException {
    return between(old, next, "secret-1");
  }

  static ConfigChanges between(String old, String next, String nextPassword) throws ConfigException {
    return ConfigChanges.between(TestConfigs.parse(old, Map.of("PW", "secret-1")),
        TestConfigs.parse(next, Map.of("PW", nextPassword)));
  }

  @Test
  void theSameFileChangesNothing() throws ConfigException {
    ConfigChanges c = between(BASE, BASE);
    assertThat(c.none()).isTrue();
    assertThat(c.summary()).isEqualTo("nothing changed");
  }

  @Test
  void targetsAddedRemovedAndChangedByName() throws ConfigException {
    String next = BASE
        .replace("- {name: b, url: \"jdbc:postgresql://h2:5432/postgres\"}",
            "- {name: c, url: \"jdbc:postgresql://h3:5432/postgres\"}")
        .replace("user: eb", "user: monitor");
    ConfigChanges c = between(BASE, next);
    assertThat(c.added()).containsExactly("c");
    assertThat(c.removed()).containsExactly("b");
    assertThat(c.replaced()).containsExactly("a");
    assertThat(c.sections()).isEmpty();
    assertThat(c.summary()).isEqualTo("targets added: c; targets removed: b; targets reconnected (changed): a");
  }

  @Test
  void aNewPasswordReconnectsButIsNeverPrinted() throws ConfigException {
    ConfigChanges c = between(BASE, BASE, "secret-2");
    assertThat(c.replaced()).containsExactly("a");
    assertThat(c.summary()).doesNotContain("secret");
  }

  @Test
  void sectionsThatApplyAtOnceAreApartFromThoseThatNeedARestart() throws ConfigException {
    String next = BASE
        .replace("127.0.0.1:9860", "127.0.0.1:9861")
        .replace("timezone: UTC", "timezone: Europe/Berlin")
        .replace("minRatio: 1.5", "minRatio: 2");
    ConfigChanges c = between(BASE, next);
    assertThat(c.sections()).containsExactly("tenants", "analysis");
    assertThat(c.needRestart()).containsExactly("listen");
    assertThat(c.added()).isEmpty();
    assertThat(c.replaced()).isEmpty();
    assertThat(c.summary())
        .isEqualTo("sections changed: tenants, analysis; changed but needs a restart to take effect: listen");
  }

  @Test
  void aNewPollIntervalKeepsConnectionsUnlessTheTimeoutsChange() throws ConfigException {
    // The default poll.timeout follows the interval (half of it), so it is set here to keep it apart.
    String old = BASE.replace("poll: {interval: 10s}", "poll: {interval: 10s, timeout: 4s}");
    ConfigChanges slower = between(old, old.replace("interval: 10s", "interval: 20s"));
    assertThat(slower.sections()).containsExactly("poll");
    assertThat(slower.replaced()).isEmpty();

    ConfigChanges shorterTimeout = between(old, old.replace("timeout: 4s", "timeout: 3s"));
    assertThat(shorterTimeout.replaced()).containsExactly("a", "b");
  }

  @Test
  void regexSettingsCompareByTheirText() throws ConfigException {
    // Pattern has identity equality: a reload of the same file must not see every pattern as changed.
    String withPatterns = BASE + """
        discovery:
          regions: [us-east-1]
          template: {user: earlybird, iamAuth: true, databases: {exclude: ['^rdsadmin$']}}
        """;
    String filtered = withPatterns.replace("user: eb,", "user: eb, databases: {include: ['^tenant_']},");
    assertThat(between(filtered, filtered).none()).isTrue();
    assertThat(between(withPatterns, withPatterns.replace("us-east-1", "eu-west-1")).needRestart())
        .containsExactly("discovery");
  }
}
