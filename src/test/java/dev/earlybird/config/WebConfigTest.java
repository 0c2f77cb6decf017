package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code web.token}: a secret like the others, optional, and long enough to mean something. */
class WebConfigTest {
  private static final String TOKEN = "t0ken-0123456789abcdef";

  @Test
  void theTokenComesFromTheEnvironmentAndNeverPrints() throws ConfigException {
    AgentConfig c = TestConfigs.parse("web: { token: \"${env:EARLYBIRD_WEB_TOKEN}\" }\n", Map.of("EARLYBIRD_WEB_TOKEN", TOKEN));
    assertThat(c.web().token().orElseThrow().reveal()).isEqualTo(TOKEN);
    assertThat(c.toString()).doesNotContain(TOKEN);
    assertThat(c.web().toString()).doesNotContain(TOKEN).contains("***");
  }

  @Test
  void noSectionOrAnEmptyTokenMeansNoWriteActions() throws ConfigException {
    assertThat(TestConfigs.parse("listen: 127.0.0.1:0\n").web().token()).isEmpty();
    assertThat(TestConfigs.parse("web: { token: \"${env:EARLYBIRD_WEB_TOKEN:-}\" }\n").web().token()).isEmpty();
  }

  @Test
  void unknownKeysAndWeakTokensAreErrorsAtTheirLineWithoutTheValue() {
    assertThat(TestConfigs.problems("listen: 127.0.0.1:0\nweb:\n  tokn: abc\n"))
        .containsExactly("test.yml:3: web.tokn: unknown key; did you mean token?");
    List<String> shortToken = TestConfigs.problems("web:\n  token: \"${env:T}\"\n", Map.of("T", "short-secret"));
    assertThat(shortToken).singleElement().asString()
        .startsWith("test.yml:2: web.token: ").contains("shorter than 16 characters").doesNotContain("short-secret");
    List<String> spaces = TestConfigs.problems("web:\n  token: \"two words that are long enough\"\n");
    assertThat(spaces).singleElement().asString().contains("spaces").doesNotContain("two words");
  }

  @Test
  void theBasePathIsEmptyByDefaultAndMustBeAPlainAbsolutePath() throws ConfigException {
    assertThat(TestConfigs.parse("listen: 127.0.0.1:0\n").web().basePath()).isEmpty();
    assertThat(TestConfigs.parse("web: { basePath: / }\n").web().basePath()).isEmpty();
    assertThat(TestConfigs.parse("web: { basePath: /tools/earlybird }\n").web().basePath())
        .isEqualTo("/tools/earlybird");
    assertThat(TestConfigs.problems("web:\n  basePath: earlybird\n")).singleElement().asString()
        .startsWith("test.yml:2: web.basePath: ").contains("does not start with '/'", "like /earlybird");
    assertThat(TestConfigs.problems("web:\n  basePath: /earlybird/\n")).singleElement().asString()
        .contains("web.basePath", "ends with '/'");
    assertThat(TestConfigs.problems("web:\n  basePath: /a/../b\n")).singleElement().asString()
        .contains("web.basePath", "'..'");
    assertThat(TestConfigs.problems("web:\n  basePath: \"/a?b=<x>\"\n")).singleElement().asString()
        .contains("web.basePath", "characters other than");
  }

  @Test
  void aNewBasePathWaitsForARestart() throws ConfigException {
    AgentConfig before = TestConfigs.parse("listen: 127.0.0.1:0\n");
    AgentConfig after = TestConfigs.parse("listen: 127.0.0.1:0\nweb: { basePath: /earlybird }\n");
    assertThat(ConfigChanges.between(before, after).needRestart()).contains("web.basePath");
  }
}
