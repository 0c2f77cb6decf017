package dev.earlybird.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "500ms, 500",
    "5s, 5000",
    "10m, 600000",
    "2h, 7200000",
    "28d, 2419200000",
    "1h30m, 5400000",
    "1d2h3m4s5ms, 93784005",
    "0, 0",
    "0s, 0",
    "' 40s ', 40000",
    "90m, 5400000",
  })
  void parsesValid(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "5", "5x", "s", "-5s", "1.5h", "5 s", "30m1h", "5s5s", "1h 30m", "5S", "99999999999999999999d"})
  void rejectsInvalidSayingWhatIsExpected(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a duration like 500ms, 5s, 10m, 2h or 28d");
  }

  @org.junit.jupiter.api.Test
  void bareNumberSuggestsSeconds() {
    assertThatThrownBy(() -> Durations.parse("60")).hasMessageContaining("has no unit").hasMessageContaining("60s");
  }

  @ParameterizedTest(name = "{0} ms formats as {1}")
  @CsvSource({
    "0, 0s",
    "500, 500ms",
    "5000, 5s",
    "600000, 10m",
    "7200000, 2h",
    "2419200000, 28d",
    "5400000, 90m",
    "129600000, 36h",
    "86400001, 1d1ms",
    "1500, 1500ms",
    "-5000, -5s",
  })
  void formatsShortestAndRoundTrips(long millis, String text) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Durations.format(d)).isEqualTo(text);
    if (millis >= 0) {
      assertThat(Durations.parse(text)).isEqualTo(d);
    }
  }
}
