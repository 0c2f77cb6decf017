package dev.earlybird.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API's JSON records as RFC 4180 CSV, the one writer of {@code report --format csv} and the hot list's download:
 * a header row of the JSON field names in the JSON's order, every value as the JSON has it (numbers unformatted, full
 * text), CRLF line ends. A text cell a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
 * return) gets a leading apostrophe: statement text comes from the monitored databases, so anyone who can run SQL there
 * could otherwise plant {@code =cmd|' /C calc'!A0} in a DBA's spreadsheet. Numbers are never touched.
 */
public final class CsvWriter {
  private static final ObjectMapper JSON = Json.mapper();
  /** A text cell that is a plain number (a negative queryId) is data, not a formula. */
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  private CsvWriter() {}

  /** API records (flat: text, numbers, instants) as CSV with the JSON's field names, in the JSON's order. */
  public static <R extends Record> void write(PrintWriter out, Class<R> type, List<R> rows) {
    List<String> names = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    out.print(String.join(",", names.stream().map(CsvWriter::cell).toList()) + "\r\n");
    for (R row : rows) {
      JsonNode json = JSON.valueToTree(row);
      out.print(String.join(",", names.stream().map(n -> cell(value(json.get(n)))).toList()) + "\r\n");
    }
    out.flush();
  }

  private static Object value(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isNumber() ? v.numberValue() : v.isValueNode() ? v.asText() : v.toString();
  }

  /**
   * One field. RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. Numbers as plain
   * decimals; text that starts like a formula neutralised.
   */
  public static String cell(Object value) {
    String s = switch (value) {
      case null -> "";
      case Double d -> BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
      case Float f -> BigDecimal.valueOf(f).stripTrailingZeros().toPlainString();
      case Number n -> n.toString();
      default -> neutralise(value.toString());
    };
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  static String neutralise(String s) {
    if (s.isEmpty() || "=+-@\t\r".indexOf(s.charAt(0)) < 0 || NUMBER.matcher(s).matches()) {
      return s;
    }
    return "'" + s;
  }
}
