package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubstitutionTest {
  private static final Map<String, String> ENV = Map.of("PW", "hunter2", "EMPTY", "", "INTERVAL", "15s");

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "${env:PW}                   | hunter2",
    "pre-${env:PW}-post          | pre-hunter2-post",
    "${env:MISSING:-fallback}    | fallback",
    "${env:EMPTY:-fallback}      | fallback",
    "${env:PW:-fallback}         | hunter2",
    "${env:MISSING:-}            | ''",
    "$${env:PW}                  | ${env:PW}",
    "no reference                | no reference",
  })
  void envReferences(String raw, String expected) throws ConfigException {
    TargetConfig t = parseTarget("password: '" + raw + "'", ENV);
    assertThat(t.password().reveal()).isEqualTo(expected);
  }

  @Test
  void substitutedValuesAreParsedByType() throws ConfigException {
    assertThat(TestConfigs.parse("poll: {interval: '${env:INTERVAL}'}", ENV).poll().interval())
        .hasSeconds(15);
  }

  @Test
  void missingVariableNamesKeyLineAndVariable() {
    List<String> problems = TestConfigs.problems("""
        targets:
          - name: a
            url: jdbc:postgresql://h/db
            password: ${env:EARLYBIRD_PG_PASSWORD}
        """);
    assertThat(problems).containsExactly("test.yml:4: targets[0].password: environment variable "
        + "EARLYBIRD_PG_PASSWORD is not set; expected it in the agent's environment (export EARLYBIRD_PG_PASSWORD, "
        + "or write ${env:EARLYBIRD_PG_PASSWORD:-default})");
  }

  @Test
  void unknownReferenceKindAndUnterminatedAreErrors() {
    assertThat(TestConfigs.problems("store: '${vault:x}'")).singleElement().asString()
        .startsWith("test.yml:1: store: unknown reference ${vault:x}; expected ${env:NAME}");
    assertThat(TestConfigs.problems("store: '${env:X'")).singleElement().asString()
        .startsWith("test.yml:1: store: unterminated reference");
  }

  @Test
  void fileContentWithTrailingNewlineStrippedRelativeToBaseDir() throws IOException, ConfigException {
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/pw"), "s3cret\n");
    Files.writeString(dir.resolve("config.yml"), """
        targets:
          - name: a
            url: jdbc:postgresql://h/db
            password: ${file:secrets/pw}
            user: ${file:%s}
        """.formatted(dir.resolve("secrets/pw")));
    TargetConfig t = ConfigLoader.load(dir.resolve("config.yml")).targets().get(0);
    assertThat(t.password().reveal()).isEqualTo("s3cret");
    assertThat(t.user()).isEqualTo("s3cret");
  }

  @Test
  void missingFileNamesThePathResolvedAgainstBaseDir() {
    List<String> problems;
    try {
      ConfigLoader.parse("store: ${file:nope/db-url}\n", "c.yml", dir, Map.<String, String>of()::get);
      throw new AssertionError("expected a problem");
    } catch (ConfigException e) {
      problems = e.problems();
    }
    assertThat(problems).singleElement().asString()
        .startsWith("c.yml:1: store: file " + dir.resolve("nope/db-url") + " (from ${file:nope/db-url}")
        .contains("does not exist");
  }

  @Test
  void fileContentNeverAppearsInErrors() throws IOException {
    Files.writeString(dir.resolve("interval"), "topsecret-value\n");
    try {
      ConfigLoader.parse("poll: {interval: '${file:interval}'}\n", "c.yml", dir, Map.<String, String>of()::get);
      throw new AssertionError("expected a problem");
    } catch (ConfigException e) {
      assertThat(e.problems()).singleElement().asString()
          .isEqualTo("c.yml:1: poll.interval: the value of \"${file:interval}\" is not a duration; "
              + "expected a duration like 500ms, 5s, 10m, 2h or 28d")
          .doesNotContain("topsecret");
    }
  }

  @Test
  void configFileMissing() {
    try {
      ConfigLoader.load(dir.resolve("absent.yml"));
      throw new AssertionError("expected a problem");
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isEqualTo(dir.resolve("absent.yml") + ": config file does not exist; "
          + "expected a YAML file (check --config)");
    }
  }

  private static TargetConfig parseTarget(String extra, Map<String, String> env) throws ConfigException {
    return TestConfigs.parse("targets:\n  - name: a\n    url: jdbc:postgresql://h/db\n    " + extra + "\n", env)
        .targets().get(0);
  }
}
