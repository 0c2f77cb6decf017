package dev.earlybird.source.postgres;

import dev.earlybird.model.KcacheInfo;
import dev.earlybird.model.ServerInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Reads {@link ServerInfo} in one round trip; works whether or not pg_stat_statements or pg_stat_kcache is loaded or
 * created.
 */
final class ServerFacts {
  private ServerFacts() {}

  static ServerInfo read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(StatementQueries.SERVER_INFO)) {
      rs.next();
      return new ServerInfo(
          rs.getInt(1),
          rs.getString(2),
          rs.getString(3),
          "on".equals(rs.getString(4)),
          parseIntOrZero(rs.getString(5)),
          rs.getString(6),
          new KcacheInfo(rs.getBoolean(7), rs.getBoolean(8), rs.getString(9), rs.getString(10)),
          Instant.EPOCH.plus(rs.getLong(11), ChronoUnit.MICROS),
          rs.getString(12),
          rs.getString(13));
    }
  }

  /** {@code pg_stat_statements.max} is NULL when the library is not preloaded: 0 then. */
  private static int parseIntOrZero(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
