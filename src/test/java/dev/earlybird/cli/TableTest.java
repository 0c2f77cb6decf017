package dev.earlybird.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.cli.Table.Column;
import dev.earlybird.testing.Csv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableTest {
  /** Public, like the API's records, so that JSON serialization sees it. */
  public record Row(String name, long n, Double ms, String text) {}

  private static final String NASTY = "SELECT \"a,b\", 'it''s'\n  FROM t\r\n WHERE x = $1\t-- \"quoted\"";

  private final Table<Row> table = new Table<>(
      List.of(
          Column.left("NAME", 8, Row::name),
          Column.right("N", r -> Long.toString(r.n())),
          Column.rest("TEXT", Row::text)));

  private final List<Row> rows = List.of(
      new Row("short", 5, 1.5, NASTY),
      new Row("a-rather-long-name", 12345, null, "x".repeat(400)),
      new Row(null, 0, 10_000_000.0, null));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "plain|plain",
    "a,b|\"a,b\"",
    "say \"hi\"|\"say \"\"hi\"\"\"",
    "' lead and trail '|' lead and trail '"
  })
  void csvQuotesOnlyWhatRfc4180Needs(String value, String field) {
    assertThat(Table.csv(value)).isEqualTo(field);
  }

  @Test
  void csvQuotesLineBreaksAndWritesNumbersPlain() {
    assertThat(Table.csv("a\nb")).isEqualTo("\"a\nb\"");
    assertThat(Table.csv("a\rb")).isEqualTo("\"a\rb\"");
    assertThat(Table.csv(null)).isEmpty();
    assertThat(Table.csv(1.0E7)).isEqualTo("10000000");
    assertThat(Table.csv(0.125)).isEqualTo("0.125");
    assertThat(Table.csv(-8_646_911_284_551_352_320L)).isEqualTo("-8646911284551352320");
  }

  @Test
  void csvRoundTripsFullTextsThroughAStrictReader() {
    StringWriter s = new StringWriter();
    Table.printCsv(new PrintWriter(s), Row.class, rows);
    assertThat(s.toString()).startsWith("name,n,ms,text\r\n").endsWith("\r\n");
    List<Map<String, String>> read = Csv.read(s.toString());
    assertThat(read).hasSize(3);
    assertThat(read.get(0)).containsEntry("text", NASTY).containsEntry("ms", "1.5").containsEntry("n", "5");
    assertThat(read.get(1)).containsEntry("text", "x".repeat(400)).containsEntry("ms", "");
    assertThat(read.get(2)).containsEntry("name", "").containsEntry("ms", "10000000");
  }

  @Test
  void tablesAreOneLinePerRowAlignedAndFitTheWidth() {
    StringWriter s = new StringWriter();
    table.printTable(new PrintWriter(s), rows);
    List<String> lines = s.toString().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Table.WIDTH));
    assertThat(lines.get(0)).startsWith("NAME          N  TEXT");
    assertThat(lines.get(1)).startsWith("short         5  SELECT \"a,b\", 'it''s' FROM t WHERE x = $1 -- \"quoted\"");
    assertThat(lines.get(2)).startsWith("a-rat...  12345  xxx").endsWith("...");
    assertThat(lines.get(3)).isEqualTo("              0");
  }

  @Test
  void oneLineFoldsWhitespaceAndControlCharacters() {
    assertThat(Table.oneLine("a\n\t b\u0007c ")).isEqualTo("a b c");
    assertThat(Table.shorten("abcdef", 5)).isEqualTo("ab...");
    assertThat(Table.shorten("abc", 5)).isEqualTo("abc");
    assertThat(Table.shorten("ab\uD83D\uDE00cdef", 6)).as("no half emoji").isEqualTo("ab...");
  }
}
