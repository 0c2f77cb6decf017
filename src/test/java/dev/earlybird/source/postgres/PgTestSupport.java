package dev.earlybird.source.postgres;

import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.testing.PgServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the ITs of this package. */
final class PgTestSupport {
  private PgTestSupport() {}

  static PgEndpoint superuserEndpoint(PgServer server, String database) {
    return PgEndpoint.of("pg" + server.major(), server.jdbcUrl(database), "postgres", null);
  }

  static PgEndpoint endpoint(PgServer server, String database, String user, String password, Duration timeout) {
    return new PgEndpoint("pg" + server.major(), server.jdbcUrl(database), user, password, Duration.ofSeconds(5), timeout);
  }

  static long oid(PgServer server, String database) throws SQLException {
    try (var c = server.superuser("postgres");
        var ps = c.prepareStatement("SELECT oid::int8 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** queryids of entries in {@code database} whose text starts with {@code prefix}, read as superuser. */
  static List<Long> queryIds(PgServer server, String database, String prefix) throws SQLException {
    return queryIdsLike(server, database, prefix.replace("?", "$1").replace("%", "\\%").replace("_", "\\_") + "%");
  }

  /** queryids of entries in {@code database} whose text matches the LIKE {@code pattern}. */
  static List<Long> queryIdsLike(PgServer server, String database, String pattern) throws SQLException {
    try (var c = server.superuser("postgres");
        var ps =
            c.prepareStatement(
                "SELECT DISTINCT queryid FROM pg_stat_statements"
                    + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = ?) AND query LIKE ?")) {
      ps.setString(1, database);
      ps.setString(2, pattern);
      var ids = new ArrayList<Long>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      return ids;
    }
  }

  /** The single top-level entry of {@code queryId} in {@code dbId}. */
  static StatementKey topLevelKey(Snapshot snapshot, long dbId, long queryId) {
    return snapshot.entries().keySet().stream()
        .filter(k -> k.dbId() == dbId && k.queryId() == queryId && k.toplevel())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no entry for dbid " + dbId + " queryid " + queryId));
  }
}
