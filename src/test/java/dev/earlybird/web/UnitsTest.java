package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitsTest {
  @ParameterizedTest
  @CsvSource({
    "0.0451, 0.045 ms",
    "4.5, 4.5 ms",
    "12.34, 12.3 ms",
    "123.4, 123 ms",
    "4500, 4.5 s",
    "59999, 60.0 s",
    "754000, 12.6 min",
    "7560000, 2.1 h",
    "0, 0.000 ms"
  })
  void durationsGetAUnitThatFits(double ms, String shown) {
    assertThat(Units.ms(ms)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource({"1234567, '1,234,567'", "7, 7"})
  void countsAreGrouped(long n, String shown) {
    assertThat(Units.count(n)).isEqualTo(shown);
  }

  @org.junit.jupiter.api.Test
  void missingValuesShowAsADash() {
    assertThat(Units.ms(null)).isEqualTo("-");
    assertThat(Units.ratio(null)).isEqualTo("-");
    assertThat(Units.ratio(3.2)).isEqualTo("3.20x");
    assertThat(Units.percent(45.25)).isEqualTo("45.3%");
    assertThat(Units.change(null)).isEmpty();
    assertThat(Units.time(null)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void changesAreSignedAndTimesAreUtcToTheSecond() {
    assertThat(Units.change(201.6)).isEqualTo("+202%");
    assertThat(Units.change(-5.4)).isEqualTo("-5%");
    assertThat(Units.time(java.time.Instant.parse("2026-12-08T05:31:07.999999999Z"))).isEqualTo("2026-12-08 05:31:07 UTC");
  }
}
