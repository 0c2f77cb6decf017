package dev.earlybird.source.postgres;

/**
 * Every SQL statement the source runs, in one place. The counter query is chosen by the installed
 * pg_stat_statements <em>extension</em> version, not the server major: the C function returns the columns of the
 * SQL definition that is installed, and after {@code pg_upgrade} an old definition (e.g. 1.8 on a 17 server)
 * stays until someone runs {@code ALTER EXTENSION pg_stat_statements UPDATE}.
 *
 * <p>The counter query always returns the same 28 columns in the same order ({@link #COUNTER_COLUMNS}); a column
 * the version lacks is a constant ({@code true} for toplevel before 1.9, 0 for times, NULL for stats_since), so
 * the reader decodes every version with one loop. Each statement carries the {@code /* earlybird *&#47;} marker so
 * a DBA can find and attribute our own load in pg_stat_activity and pg_stat_statements.
 */
final class StatementQueries {
  private StatementQueries() {}

  /** Columns of every counter query, 1-based as JDBC counts. */
  static final int DBID = 1,
      USERID = 2,
      QUERYID = 3,
      TOPLEVEL = 4,
      CALLS = 5,
      TOTAL_EXEC = 6,
      MEAN_EXEC = 7,
      STDDEV_EXEC = 8,
      ROWS = 9,
      SHARED_HIT = 10,
      SHARED_READ = 11,
      SHARED_DIRTIED = 12,
      SHARED_WRITTEN = 13,
      LOCAL_HIT = 14,
      LOCAL_READ = 15,
      TEMP_READ = 16,
      TEMP_WRITTEN = 17,
      BLK_READ_TIME = 18,
      BLK_WRITE_TIME = 19,
      TEMP_READ_TIME = 20,
      TEMP_WRITE_TIME = 21,
      PLANS = 22,
      TOTAL_PLAN = 23,
      WAL_RECORDS = 24,
      WAL_FPI = 25,
      WAL_BYTES = 26,
      JIT_TOTAL = 27,
      STATS_SINCE_MICROS = 28;

  static final int COUNTER_COLUMNS = 28;

  /** Server facts; settings read with missing_ok so an unloaded extension gives NULL instead of an error. */
  static final String SERVER_INFO =
      """
      /* earlybird */ SELECT current_setting('server_version_num')::int,
             current_setting('server_version'),
             (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'),
             current_setting('track_io_timing'),
             current_setting('pg_stat_statements.max', true),
             current_setting('pg_stat_statements.track', true)""";

  /** Databases one can connect to; templates and {@code datallowconn = false} (e.g. RDS' rdsadmin) skipped. */
  static final String DATABASES =
      """
      /* earlybird */ SELECT oid::int8, datname FROM pg_database
       WHERE datallowconn AND NOT datistemplate
       ORDER BY datname""";

  /**
   * The clock and the reset/eviction facts, sent in the same round trip as the counters (one Sync, so one
   * implicit transaction): {@code clock_timestamp()} is the server's time of the read, so interval lengths do not
   * depend on the agent's clock or on network delay.
   */
  static String header(PgssVersion v) {
    return v.atLeast(1, 9)
        ? """
          /* earlybird */ SELECT clock_timestamp(), i.dealloc, i.stats_reset FROM pg_stat_statements_info i"""
        : """
          /* earlybird */ SELECT clock_timestamp(), NULL::int8, NULL::timestamptz""";
  }

  /**
   * Counters of every entry in the accepted databases ({@code dbid = ANY(?)}: rows of excluded databases are not
   * shipped). Never the query text: {@code pg_stat_statements(false)} does not read the text file at all.
   */
  static String counters(PgssVersion v) {
    String toplevel = v.atLeast(1, 9) ? "toplevel" : "true";
    String ioRead = v.atLeast(1, 11) ? "shared_blk_read_time + local_blk_read_time" : "blk_read_time";
    String ioWrite = v.atLeast(1, 11) ? "shared_blk_write_time + local_blk_write_time" : "blk_write_time";
    String tempIo = v.atLeast(1, 10) ? "temp_blk_read_time, temp_blk_write_time" : "0::float8, 0::float8";
    String jit =
        v.atLeast(1, 11)
            ? "jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time + jit_deform_time"
            : v.atLeast(1, 10)
                ? "jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time"
                : "0::float8";
    // Microseconds since the epoch as int8: 8 bytes on the wire and a primitive read, no timestamp parsing per row.
    String statsSince =
        v.atLeast(1, 11) ? "(extract(epoch FROM stats_since) * 1000000)::int8" : "NULL::int8";
    return """
        /* earlybird */ SELECT dbid::int8, userid::int8, queryid, %s, calls,
               total_exec_time, mean_exec_time, stddev_exec_time, rows,
               shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
               local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,
               %s, %s, %s,
               plans, total_plan_time, wal_records, wal_fpi, wal_bytes::int8,
               %s, %s
          FROM pg_stat_statements(false)
         WHERE dbid::int8 = ANY(?)"""
        .formatted(toplevel, ioRead, ioWrite, tempIo, jit, statsSince);
  }

  /**
   * Texts of given entries only. {@code pg_stat_statements(true)} reads the whole text file, so callers batch the
   * keys they need and call this rarely. {@code length(query) > ?} tells whether the text was cut.
   */
  static final String TEXTS =
      """
      /* earlybird */ SELECT DISTINCT ON (s.dbid, s.queryid)
             s.dbid::int8, s.queryid, left(s.query, ?), length(s.query) > ?
        FROM pg_stat_statements(true) s
        JOIN unnest(?::int8[], ?::int8[]) AS k(dbid, queryid)
          ON s.dbid::int8 = k.dbid AND s.queryid = k.queryid
       ORDER BY s.dbid, s.queryid""";
}
