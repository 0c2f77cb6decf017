package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Parses YAML text the way the tests need: a fixed file name, an injected environment. */
final class TestConfigs {
  static final String FILE = "test.yml";

  private TestConfigs() {}

  static AgentConfig parse(String yaml) throws ConfigException {
    return parse(yaml, Map.of());
  }

  static AgentConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return ConfigLoader.parse(yaml, FILE, Path.of("."), env::get);
  }

  /** The problems the YAML produces; fails if it loads. */
  static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  static List<String> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    assertThatThrownBy(() -> {}).as("expected a ConfigException for:%n%s", yaml).isInstanceOf(ConfigException.class);
    return List.of();
  }
}
