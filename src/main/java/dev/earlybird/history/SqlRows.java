package dev.earlybird.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plain JDBC for the small alerting tables: a query's rows, an update's count, nullable instants. */
final class SqlRows {
  private SqlRows() {}

  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** The rows of {@code sql} with {@code params} bound in order (strings, longs, dates). */
  static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row.read(rs));
      }
    }
    return out;
  }

  /** @return the number of rows changed */
  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    long us = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Columns.instant(us));
  }
}
