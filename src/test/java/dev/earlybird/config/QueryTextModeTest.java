package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryTextModeTest {
  static final String TEXT = "CREATE ROLE a LOGIN PASSWORD 'pw'\0";

  @Test
  void eachModeSaysWhatIsKept() {
    assertThat(QueryTextMode.REDACT.apply(TEXT)).isEqualTo("CREATE ROLE a LOGIN PASSWORD '<redacted>'\uFFFD");
    assertThat(QueryTextMode.FULL.apply(TEXT)).as("as read, but storable").isEqualTo(
        "CREATE ROLE a LOGIN PASSWORD 'pw'\uFFFD");
    assertThat(QueryTextMode.NONE.apply(TEXT)).isEqualTo(QueryTextMode.WITHHELD)
        .isEqualTo("/* query text withheld: poll.queryText is none */");
    assertThat(QueryTextMode.REDACT.apply(null)).isNull();
    assertThat(QueryTextMode.NONE.yamlName()).isEqualTo("none");
  }
}
