package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final String PASSWORD = "Pa55-w0rd!";

  @Test
  void secretPrintsStars() {
    Secret s = new Secret(PASSWORD);
    assertThat(s).hasToString("***");
    assertThat(s.reveal()).isEqualTo(PASSWORD);
  }

  @Test
  void loadedConfigNeverPrintsSecrets() throws ConfigException {
    AgentConfig config = TestConfigs.parse("""
        store: jdbc:postgresql://store/eb?user=eb&password=%1$s
        targets:
          - name: a
            url: jdbc:postgresql://h/db?sslmode=require&password=%1$s
            password: ${env:PW}
            aws: {region: us-east-1, endpoint: 'http://u:%1$s@127.0.0.1:4566'}
        alerts:
          receivers:
            - {name: pd, type: pagerduty, routingKey: '%1$s'}
            - {name: s, type: slack, url: 'https://hooks.slack.com/services/T0/B0/%1$s'}
            - {name: w, type: webhook, url: 'https://u:%1$s@h/x', secret: '%1$s'}
        """.formatted(PASSWORD), Map.of("PW", PASSWORD));
    assertThat(config.toString()).doesNotContain(PASSWORD).contains("***");
    assertThat(config.targets().get(0).password().reveal()).isEqualTo(PASSWORD);
    assertThat(config.targets().get(0).url()).contains(PASSWORD); // the driver still gets it
  }

  @Test
  void errorsNeverContainSecrets() {
    List<String> problems = TestConfigs.problems("""
        targets:
          - name: a
            url: "postgresql://h/db?password=%1$s"
            password: {nested: %1$s}
        alerts:
          receivers:
            - {name: s, type: slack, url: 'hooks.slack.com/%1$s', routingKey: '%1$s'}
            - {name: w, type: webhook, url: 'https://h/x', secret: [%1$s]}
        """.formatted(PASSWORD), Map.of());
    assertThat(problems).hasSize(5);
    assertThat(String.join("\n", problems)).doesNotContain(PASSWORD);
  }

  @Test
  void yamlSyntaxErrorsDoNotQuoteTheLine() {
    List<String> problems = TestConfigs.problems("targets:\n  - password: \"%s\" x: y\n".formatted(PASSWORD));
    assertThat(problems).singleElement().asString().startsWith("test.yml:2: not valid YAML").doesNotContain(PASSWORD);
  }
}
