package dev.earlybird.source.postgres;

import dev.earlybird.model.KcacheInfo;
import dev.earlybird.model.ServerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What one round trip tells about a server: {@link ServerInfo}, and the schema pg_stat_statements lives in (its
 * functions and view are called by it; null when the extension is not created). Works whether or not
 * pg_stat_statements or pg_stat_kcache is loaded or created.
 */
record ServerFacts(ServerInfo info, String pgssSchema) {

  static ServerFacts read(Connection c, Duration statementTimeout) throws SQLException {
    return ReadOnlyTransaction.query(c, statementTimeout, StatementQueries.SERVER_INFO, rs -> {
      rs.next();
      var info = new ServerInfo(
          rs.getInt(1),
          rs.getString(2),
          rs.getString(3),
          "on".equals(rs.getString(5)),
          parseIntOrZero(rs.getString(6)),
          rs.getString(7),
          new KcacheInfo(rs.getBoolean(8), rs.getBoolean(9), rs.getString(10), rs.getString(11)),
          Instant.EPOCH.plus(rs.getLong(12), ChronoUnit.MICROS),
          rs.getString(13),
          rs.getString(14));
      return new ServerFacts(info, rs.getString(4));
    });
  }

  /** {@code pg_stat_statements.max} is NULL when the library is not preloaded: 0 then. */
  static int parseIntOrZero(String value) {
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
