package dev.earlybird.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a page of a list ordered by (a time, a unique text) starts: just after a row's key, or, going back, just
 * before it. Keys, unlike offsets, keep their place when rows are added at the top while someone pages.
 *
 * @param us the row's time in microseconds
 * @param id the row's unique text, which orders rows of the same time
 * @param back true: the page before this row; false: the page after it
 */
public record Keyset(long us, String id, boolean back) {
  public Keyset {
    Objects.requireNonNull(id, "id");
  }

  /** The key of a row of this time and id, to read on after it. */
  public static Keyset after(Instant at, String id) {
    return new Keyset(Columns.micros(at), id, false);
  }

  /**
   * The SQL of one list's order.
   *
   * @param time the column of the time, e.g. {@code updated_us}
   * @param id an expression unique per row
   * @param newestFirst the list's order: by time descending, else ascending (ties by id the same way)
   */
  record Order(String time, String id, boolean newestFirst) {
    /** {@code WHERE}-able condition for the rows on the page, "TRUE" for the first page. */
    private String condition(Optional<Keyset> from) {
      if (from.isEmpty()) {
        return "TRUE";
      }
      String op = newestFirst != from.get().back() ? "<" : ">";
      return "(" + time + " " + op + " ? OR (" + time + " = ? AND " + id + " " + op + " ?))";
    }

    private Object[] params(Optional<Keyset> from) {
      return from.map(k -> new Object[] {k.us(), k.us(), k.id()}).orElse(new Object[0]);
    }

    /** Going back the rows are read in reverse, nearest the key first, and turned round by {@link #page}. */
    private String orderBy(Optional<Keyset> from) {
      String dir = newestFirst != from.map(Keyset::back).orElse(false) ? " DESC" : " ASC";
      return " ORDER BY " + time + dir + ", " + id + dir;
    }

    /**
     * Up to {@code limit} rows of {@code select} (a query ending in a {@code WHERE} condition, whose own parameters
     * are {@code params}) on the page {@code from} starts, in the list's order.
     */
    <T> List<T> page(Connection c, String select, List<Object> params, Optional<Keyset> from, int limit,
        SqlRows.Row<T> row) throws SQLException {
      List<Object> all = new ArrayList<>(params);
      all.addAll(Arrays.asList(params(from)));
      List<T> read = SqlRows.list(c, select + " AND " + condition(from) + orderBy(from) + " LIMIT "
          + Math.max(0, limit), row, all.toArray());
      if (from.map(Keyset::back).orElse(false)) {
        Collections.reverse(read);
      }
      return read;
    }
  }
}
