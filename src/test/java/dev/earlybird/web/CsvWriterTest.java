package dev.earlybird.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvWriterTest {
  @ParameterizedTest
  @CsvSource(delimiterString = " -> ", quoteCharacter = '"', value = {
    "=1+2 -> '=1+2",
    "+SUM(A1) -> '+SUM(A1)",
    "-2+3 -> '-2+3",
    "@SUM(A1) -> '@SUM(A1)",
    "=cmd|' /C calc'!A0 -> '=cmd|' /C calc'!A0",
    "-8646911284551352320 -> -8646911284551352320",
    "-1.5 -> -1.5",
    "SELECT 1 -> SELECT 1",
    "a=b -> a=b"
  })
  void textThatASpreadsheetWouldRunStartsWithAnApostrophe(String text, String cell) {
    assertThat(CsvWriter.cell(text)).isEqualTo(cell);
  }

  @Test
  void tabsAndCarriageReturnsToo_andNumbersAreNeverTouched() {
    assertThat(CsvWriter.cell("\tx")).isEqualTo("'\tx");
    assertThat(CsvWriter.cell("\r=x")).isEqualTo("\"'\r=x\"");
    assertThat(CsvWriter.cell("=a,b")).isEqualTo("\"'=a,b\"");
    assertThat(CsvWriter.cell(-12.5)).isEqualTo("-12.5");
    assertThat(CsvWriter.cell(-3L)).isEqualTo("-3");
    assertThat(CsvWriter.cell("")).isEmpty();
  }
}
