package dev.earlybird.bench;

import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.PgConnector;
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
 * <p>The SELECT list mirrors {@code StatementQueries.counters} (package-private there, on purpose), per
 * installed extension version. If the source's columns change, change them here too; {@link #columns()} is
 * checked against the source's 28 by the bench.
 */
final class RawCounterRead implements AutoCloseable {
  static final int COLUMNS = 28;
  /** Columns read as double (times), 1-based; toplevel (4) is boolean; the rest int8. */
  private static final boolean[] DOUBLE = new boolean[COLUMNS + 1];

  static {
    for (int i : new int[] {6, 7, 8, 18, 19, 20, 21, 23, 27}) {
      DOUBLE[i] = true;
    }
  }

  private final Connection connection;
  private final PreparedStatement statement;
  private final String extVersion;
  private int columns;
  /** Folds every value read, so the JIT cannot drop the reads. */
  private double checksum;

  RawCounterRead(PgEndpoint endpoint) throws SourceException, SQLException {
    this.connection = PgConnector.open(endpoint);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
      if (!rs.next()) {
        throw new IllegalStateException("pg_stat_statements is not created in " + endpoint.safeUrl());
      }
      extVersion = rs.getString(1);
    }
    this.statement = connection.prepareStatement(sql(extVersion));
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

  static String sql(String extVersion) {
    String[] parts = extVersion.strip().split("\\.");
    int major = Integer.parseInt(parts[0]);
    int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    boolean v19 = major > 1 || minor >= 9;
    boolean v110 = major > 1 || minor >= 10;
    boolean v111 = major > 1 || minor >= 11;
    String toplevel = v19 ? "toplevel" : "true";
    String ioRead = v111 ? "shared_blk_read_time + local_blk_read_time" : "blk_read_time";
    String ioWrite = v111 ? "shared_blk_write_time + local_blk_write_time" : "blk_write_time";
    String tempIo = v110 ? "temp_blk_read_time, temp_blk_write_time" : "0::float8, 0::float8";
    String jit =
        v111
            ? "jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time + jit_deform_time"
            : v110 ? "jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time" : "0::float8";
    String statsSince = v111 ? "(extract(epoch FROM stats_since) * 1000000)::int8" : "NULL::int8";
    return """
        /* earlybird-bench raw */ SELECT dbid::int8, userid::int8, queryid, %s, calls,
               total_exec_time, mean_exec_time, stddev_exec_time, rows,
               shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
               local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
               %s, %s, %s,
               plans, total_plan_time, wal_records, wal_fpi, wal_bytes::int8,
               %s, %s
          FROM pg_stat_statements(false)"""
        .formatted(toplevel, ioRead, ioWrite, tempIo, jit, statsSince);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
