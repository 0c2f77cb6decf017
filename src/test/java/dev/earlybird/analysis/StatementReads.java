package dev.earlybird.analysis;

import dev.earlybird.model.CounterValues;
import dev.earlybird.history.Usage;
import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.testing.SuperuserAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the poller would store of a real server's statements between two reads: pg_stat_statements read through
 * the agent's own source, and the difference of two reads as the {@link Usage} the advice rules judge.
 */
final class StatementReads {
  private StatementReads() {}

  /** One read of the server's pg_stat_statements, through the source the poller uses. */
  static Snapshot snapshot(SuperuserAccess server, String target) throws SourceException {
    try (var source = new PgStatStatementsSource(PgEndpoint.of(target, server.jdbcUrl("postgres"), "postgres", null))) {
      return source.snapshot();
    }
  }

  /**
   * The counters of the statements of database {@code dbId} that grew between the reads, summed per queryid over
   * users and nesting levels, as one interval of the store would hold them.
   *
   * @param ioTimed the server had track_io_timing on during the interval
   */
  static Map<Long, Usage> usage(Snapshot before, Snapshot after, long dbId, boolean ioTimed) {
    Map<Long, Usage> out = new HashMap<>();
    after.entries().forEach((key, now) -> {
      if (key.dbId() != dbId) {
        return;
      }
      Counters was = before.entries().get(key);
      Usage u = was == null ? delta(zero(now), now, ioTimed) : delta(was, now, ioTimed);
      if (u.calls() > 0) {
        out.merge(key.queryId(), u, Usage::plus);
      }
    });
    return out;
  }

  private static Usage delta(Counters a, Counters b, boolean ioTimed) {
    return new Usage(1, b.minus(a), 0, 0, ioTimed ? 1 : 0);
  }

  private static Counters zero(Counters like) {
    return new Counters(CounterValues.ZERO, 0, 0, 0, 0, like.statsSince(), java.util.OptionalDouble.empty());
  }

  /** The queryid of the one statement of {@code database} whose text starts with {@code prefix}. */
  static long queryId(SuperuserAccess server, String database, String prefix) throws SQLException {
    List<Long> ids = texts(server, database).entrySet().stream().filter(e -> e.getValue().startsWith(prefix))
        .map(Map.Entry::getKey).distinct().toList();
    if (ids.size() != 1) {
      throw new AssertionError(ids.size() + " statements of " + database + " start with " + prefix);
    }
    return ids.get(0);
  }

  /** The texts of the statements of {@code database}, by queryid. */
  static Map<Long, String> texts(SuperuserAccess server, String database) throws SQLException {
    return pairs(server, "SELECT s.queryid, s.query FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
        + "WHERE d.datname = ?", database);
  }

  /** The database's oid, its dbId in pg_stat_statements. */
  static long dbId(SuperuserAccess server, String database) throws SQLException {
    return pairs(server, "SELECT oid::int8, datname::text FROM pg_database WHERE datname = ?", database).keySet()
        .iterator().next();
  }

  /** The (number, text) rows of {@code sql}, run in database postgres with {@code database} as its parameter. */
  private static Map<Long, String> pairs(SuperuserAccess server, String sql, String database) throws SQLException {
    Map<Long, String> out = new HashMap<>();
    try (Connection c = server.superuser("postgres"); var ps = c.prepareStatement(sql)) {
      ps.setString(1, database);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), rs.getString(2));
        }
      }
    }
    return out;
  }
}
