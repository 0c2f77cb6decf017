package dev.earlybird.bench;

import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.PgConnector;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.source.postgres.PgEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The floor the poll is compared with: the counter columns the source reads, straight from {@code
 * pg_stat_statements(false)} over one persistent connection with the agent's settings ({@link PgConnector}),
 * every column read by index with the getter the source uses, nothing built per row.
 *
 * <p>The SQL is the source's own counter query ({@link PgStatStatementsSource#countersSql}) for the installed
 * extension version, so the two can never drift apart; only the row decoding differs.
 */
final class RawCounterRead implements AutoCloseable {
  static final int COLUMNS = 29;
  /** Columns read as double (times), 1-based; toplevel (4) is boolean; the rest int8. */
  private static final boolean[] DOUBLE = new boolean[COLUMNS + 1];

  static {
    for (int i : new int[] {6, 7, 8, 18, 19, 20, 21, 23, 27, 29}) {
      DOUBLE[i] = true;
    }
  }

  private final Connection connection;
  private final PreparedStatement statement;
  private final String extVersion;
  private final String pgssSchema;
  private int columns;
  /** Folds every value read, so the JIT cannot drop the reads. */
  private double checksum;

  RawCounterRead(PgEndpoint endpoint) throws SourceException, SQLException {
    this.connection = PgConnector.open(endpoint);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT e.extversion, n.nspname FROM pg_extension e"
            + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'")) {
      if (!rs.next()) {
        throw new IllegalStateException("pg_stat_statements is not created in " + endpoint.safeUrl());
      }
      extVersion = rs.getString(1);
      pgssSchema = rs.getString(2);
    }
    this.statement = connection.prepareStatement(sql());
  }

  /** The SQL this reader runs (see {@link #sql(String, String)}). */
  String sql() {
    return sql(extVersion, pgssSchema);
  }

  String extVersion() {
    return extVersion;
  }

  int columns() {
    return columns;
  }

  double checksum() {
    return checksum;
  }

  /** One read of all entries; returns the row count. */
  int read() throws SQLException {
    int rows = 0;
    double sum = 0;
    try (ResultSet rs = statement.executeQuery()) {
      columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        rows++;
        for (int i = 1; i <= COLUMNS; i++) {
          if (i == 4) {
            sum += rs.getBoolean(i) ? 1 : 0;
          } else if (DOUBLE[i]) {
            sum += rs.getDouble(i);
          } else {
            sum += rs.getLong(i);
          }
        }
      }
    }
    checksum += sum;
    return rows;
  }

  /**
   * The agent's own counter query over every database: its accepted-oids parameter becomes all oids, so the
   * SQL runs as it is (also under EXPLAIN) and reads what the agent reads.
   */
  static String sql(String extVersion, String pgssSchema) {
    return PgStatStatementsSource.countersSql(extVersion, pgssSchema)
        .replace("/* earlybird */", "/* earlybird-bench raw */")
        .replace("ANY(?)", "ANY(ARRAY(SELECT oid::int8 FROM pg_database))");
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
