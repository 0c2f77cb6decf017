package dev.earlybird.source.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The transaction every read on a monitored server runs in, carrying the limits that bound the agent's impact:
 *
 * <pre>
 * BEGIN READ ONLY;
 * SET LOCAL statement_timeout = …; SET LOCAL lock_timeout = 200; SET LOCAL idle_in_transaction_session_timeout = …;
 * SET LOCAL search_path = pg_catalog, pg_temp;
 * …the reads…;
 * COMMIT
 * </pre>
 *
 * The driver sends all of it before one Sync, so a wrapped read costs the round trips it did bare (one). Set per
 * transaction, the limits hold through PgBouncer in transaction mode (a server connection is ours for exactly one
 * transaction there, and session settings or startup {@code options} do not follow us), and no startup parameter
 * beyond the standard ones is needed. {@code search_path} names {@code pg_temp} last so that neither a temporary
 * object nor anything in {@code $user} or {@code public} can stand in for a catalog function, view or operator.
 *
 * <p>On the client, each statement also gets a query timeout a little above the server's statement timeout: if
 * the server has not answered by then, the driver sends a cancel request (PgBouncer forwards it), so a query the
 * agent gave up on does not keep running.
 */
final class ReadOnlyTransaction {
  /** What {@code search_path} is inside the transaction. */
  static final String SEARCH_PATH = "pg_catalog, pg_temp";
  /** How much longer the client waits than the server's statement timeout before it cancels the query itself. */
  static final Duration CLIENT_MARGIN = Duration.ofSeconds(1);

  private ReadOnlyTransaction() {}

  /** {@code sql} (one statement or several separated by {@code ;}) inside the transaction. */
  static String wrap(String sql, Duration statementTimeout) {
    return begin(statementTimeout, SEARCH_PATH) + sql + ";\nCOMMIT";
  }

  /**
   * The start of the transaction, up to and including the {@code ;} after its settings, with {@code searchPath}
   * (already quoted SQL) as the search path: for the few reads that must resolve a user's names, and for those that
   * need more than one round trip before {@code COMMIT}.
   */
  static String begin(Duration statementTimeout, String searchPath) {
    return """
        BEGIN READ ONLY;
        SET LOCAL statement_timeout = %d;
        SET LOCAL lock_timeout = %d;
        SET LOCAL idle_in_transaction_session_timeout = %d;
        SET LOCAL search_path = %s;
        """
        .formatted(
            statementTimeout.toMillis(),
            PgConnector.LOCK_TIMEOUT.toMillis(),
            PgConnector.IDLE_IN_TRANSACTION_TIMEOUT.toMillis(),
            searchPath);
  }

  /** Bounds how long the client waits for {@code s}; then the driver cancels the query on the server. */
  static void limitWait(Statement s, Duration statementTimeout) throws SQLException {
    s.setQueryTimeout(clientTimeoutSeconds(statementTimeout));
  }

  /** Whole seconds (what JDBC counts in) at least {@link #CLIENT_MARGIN} above the statement timeout. */
  static int clientTimeoutSeconds(Duration statementTimeout) {
    Duration d = statementTimeout.plus(CLIENT_MARGIN);
    return (int) Math.max(1, d.getSeconds() + (d.getNano() > 0 ? 1 : 0));
  }

  /** A reader of one result set. */
  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Runs one SELECT in the transaction and reads its rows with {@code reader}. */
  static <T> T query(Connection c, Duration statementTimeout, String select, Reader<T> reader) throws SQLException {
    try (Statement s = c.createStatement()) {
      limitWait(s, statementTimeout);
      try (ResultSet rs = resultSet(s, s.execute(wrap(select, statementTimeout)))) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      endFailed(c, e);
      throw e;
    }
  }

  /**
   * The next result set of a wrapped statement, skipping the update counts of BEGIN and SET; {@code isResultSet} is
   * what {@code execute()} or {@code getMoreResults()} just returned.
   */
  static ResultSet resultSet(Statement s, boolean isResultSet) throws SQLException {
    boolean rs = isResultSet;
    while (!rs) {
      if (s.getUpdateCount() == -1) {
        throw new SQLException("the server returned fewer results than statements sent");
      }
      rs = s.getMoreResults();
    }
    return s.getResultSet();
  }

  /**
   * After a failed wrapped statement: ends the transaction it left open (aborted), so the connection can be used
   * again, or, through a pooler in transaction mode, is given back. A broken connection is left to its owner.
   */
  static void endFailed(Connection c, SQLException failure) {
    try {
      if (!c.isClosed()) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        }
      }
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}
