package dev.earlybird.cli;

import dev.earlybird.web.CsvWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Rows printed two ways: as an aligned table for people (human units, one line per row, fitted to a width)
 * and, for the API's JSON records, as RFC 4180 CSV for programs ({@link CsvWriter}).
 */
final class Table<T> {
  /** What people's terminals show without wrapping, give or take. */
  static final int WIDTH = 160;
  private static final String GAP = "  ";
  private static final int MIN_FLEX = 20;

  /**
   * A table column.
   *
   * @param max longest value shown, longer ones are cut with "..." (0: no limit)
   * @param flex takes the width the other columns leave (the query text); at most one per table
   */
  record Column<T>(String header, Function<T, String> value, boolean right, int max, boolean flex) {
    static <T> Column<T> left(String header, int max, Function<T, String> value) {
      return new Column<>(header, value, false, max, false);
    }

    static <T> Column<T> right(String header, Function<T, String> value) {
      return new Column<>(header, value, true, 0, false);
    }

    static <T> Column<T> rest(String header, Function<T, String> value) {
      return new Column<>(header, value, false, 0, true);
    }
  }

  private final List<Column<T>> columns;

  Table(List<Column<T>> columns) {
    this.columns = columns;
  }

  void printTable(PrintWriter out, List<T> rows) {
    List<String[]> cells = new ArrayList<>();
    for (T row : rows) {
      String[] line = new String[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        String v = oneLine(columns.get(c).value().apply(row));
        int max = columns.get(c).max();
        line[c] = max > 0 ? shorten(v, max) : v;
      }
      cells.add(line);
    }
    int[] widths = new int[columns.size()];
    int fixed = 0;
    int flex = -1;
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).header().length();
      for (String[] line : cells) {
        widths[c] = Math.max(widths[c], line[c].length());
      }
      if (columns.get(c).flex()) {
        flex = c;
      } else {
        fixed += widths[c] + GAP.length();
      }
    }
    if (flex >= 0) {
      widths[flex] = Math.min(widths[flex], Math.max(MIN_FLEX, WIDTH - fixed));
    }
    out.println(line(columns.stream().map(Column::header).toArray(String[]::new), widths));
    for (String[] line : cells) {
      if (flex >= 0) {
        line[flex] = shorten(line[flex], widths[flex]);
      }
      out.println(line(line, widths));
    }
  }

  private String line(String[] values, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < values.length; c++) {
      if (c > 0) {
        b.append(GAP);
      }
      String pad = " ".repeat(widths[c] - values[c].length());
      b.append(columns.get(c).right() ? pad + values[c] : values[c] + pad);
    }
    return b.toString().stripTrailing();
  }

  /** API records as CSV: {@link CsvWriter}, the writer the API's CSV download uses too. */
  static <R extends Record> void printCsv(PrintWriter out, Class<R> type, List<R> rows) {
    CsvWriter.write(out, type, rows);
  }

  static String csv(Object value) {
    return CsvWriter.cell(value);
  }

  /** Runs of whitespace and control characters (line breaks, tabs) as one space: one table row per line. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    return text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
  }

  /** Cut to {@code max} chars with an ellipsis, never between the two halves of a character (an emoji). */
  static String shorten(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Math.max(0, max - 3);
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "...";
  }
}
