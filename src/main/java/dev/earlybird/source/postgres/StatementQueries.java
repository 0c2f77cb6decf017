package dev.earlybird.source.postgres;

import dev.earlybird.model.Counter;
import dev.earlybird.model.KcacheInfo;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every SQL statement the source runs, in one place. The counter query is chosen by the installed
 * pg_stat_statements <em>extension</em> version, not the server major: the C function returns the columns of the
 * SQL definition that is installed, and after {@code pg_upgrade} an old definition (e.g. 1.8 on a 17 server)
 * stays until someone runs {@code ALTER EXTENSION pg_stat_statements UPDATE}.
 *
 * <p>The counter query always returns the same 29 columns in the same order ({@link #COUNTER_COLUMNS}: the key, the
 * {@link Counter}s ({@link #SELECTED}), {@code stats_since}, the CPU time); a column
 * the version lacks is a constant ({@code true} for toplevel before 1.9, 0 for times, NULL for stats_since and for
 * the CPU time when pg_stat_kcache cannot be read), so the reader decodes every version with one loop. Each
 * statement carries the {@code /* earlybird *&#47;} marker so a DBA can find and attribute our own load in
 * pg_stat_activity and pg_stat_statements.
 *
 * <p>Every statement runs inside {@link ReadOnlyTransaction}, whose {@code search_path} is {@code pg_catalog,
 * pg_temp}: catalog names resolve to the catalog only. The extensions' functions and views are named by the schema
 * the extension lives in (read from {@code pg_extension}, quoted), so a function or view of the same name in a
 * schema earlier on the role's own search_path (where {@code $user} comes first) is never called.
 */
final class StatementQueries {
  private StatementQueries() {}

  /** Columns of every counter query, 1-based as JDBC counts: the statement key, then the counters ({@link #column}). */
  static final int DBID = 1, USERID = 2, QUERYID = 3, TOPLEVEL = 4;

  /**
   * The counters in the order the counter query selects them: pg_stat_statements' own order, as it always has. The
   * server identifies a statement by its parse tree, so another order would be another queryid for the agent's own
   * query (a DBA may follow its load by it), and a new entry in pg_stat_statements where the old one was.
   */
  static final List<Counter> SELECTED =
      List.of(
          Counter.CALLS,
          Counter.EXEC_MS,
          Counter.EXEC_SUMSQ_MS,
          Counter.ROWS,
          Counter.SHARED_BLKS_HIT,
          Counter.SHARED_BLKS_READ,
          Counter.SHARED_BLKS_DIRTIED,
          Counter.SHARED_BLKS_WRITTEN,
          Counter.LOCAL_BLKS_HIT,
          Counter.LOCAL_BLKS_READ,
          Counter.TEMP_BLKS_READ,
          Counter.TEMP_BLKS_WRITTEN,
          Counter.IO_READ_MS,
          Counter.IO_WRITE_MS,
          Counter.TEMP_IO_MS,
          Counter.PLANS,
          Counter.PLAN_MS,
          Counter.WAL_RECORDS,
          Counter.WAL_FPI,
          Counter.WAL_BYTES,
          Counter.JIT_MS);

  private static final int[] COUNTER_COLUMN = new int[Counter.values().length];
  /** After the counters: {@code stats_since} (microseconds) and pg_stat_kcache's CPU time. */
  static final int STATS_SINCE_MICROS;

  static {
    int next = TOPLEVEL + 1;
    for (Counter c : SELECTED) {
      COUNTER_COLUMN[c.ordinal()] = next;
      next += inputs(c);
    }
    STATS_SINCE_MICROS = next;
  }

  static final int KCACHE_CPU_MS = STATS_SINCE_MICROS + 1;
  static final int COUNTER_COLUMNS = KCACHE_CPU_MS;

  /**
   * The column of counter {@code c} in the counter query. A derived counter ({@link Counter#pgssColumn()} null) has
   * the columns it is derived from there: mean and stddev of execution time for the sum of squares, temp block read
   * and write time for the temp IO time.
   */
  static int column(Counter c) {
    return COUNTER_COLUMN[c.ordinal()];
  }

  private static int inputs(Counter c) {
    return c.pgssColumn() == null ? 2 : 1;
  }

  /** What the counter query selects for {@code c} on pg_stat_statements {@code v}: {@link #inputs} columns. */
  private static String select(Counter c, PgssVersion v) {
    return switch (c) {
      case EXEC_SUMSQ_MS -> "mean_exec_time, stddev_exec_time";
      case TEMP_IO_MS -> v.atLeast(1, 10) ? "temp_blk_read_time, temp_blk_write_time" : "0::float8, 0::float8";
      case IO_READ_MS -> v.atLeast(1, 11) ? c.pgssColumn() : "blk_read_time";
      case IO_WRITE_MS -> v.atLeast(1, 11) ? c.pgssColumn() : "blk_write_time";
      case JIT_MS ->
          v.atLeast(1, 11)
              ? c.pgssColumn()
              : v.atLeast(1, 10)
                  ? "jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time"
                  : "0::float8";
      default -> c.pgssColumn();
    };
  }

  /**
   * The oldest pg_stat_kcache the counter query reads. 2.2 and 2.3 share the columns used here: the key
   * {@code (queryid, top, userid, dbid)} and {@code exec_user_time}/{@code exec_system_time} in seconds (2.3 only
   * adds {@code stats_since}, not read). Before 2.2 there is no {@code top} and no plan/exec split, so entries of
   * different nesting levels cannot be told apart: such a server is treated as having no pg_stat_kcache (and
   * {@code earlybird check} says to update it). Debian 12 ships 2.2.1.
   */
  static final PgssVersion KCACHE_OLDEST_SUPPORTED = new PgssVersion(2, 2);

  /**
   * Server facts; settings read with missing_ok so an unloaded extension gives NULL instead of an error.
   *
   * <p>pg_stat_kcache counts as loaded when its {@code linux_hz} setting exists as an integer: only the loaded
   * library defines it (a value in postgresql.conf without the library is a string placeholder, hidden from
   * pg_settings), and the library refuses to load other than through {@code shared_preload_libraries}. That list
   * itself is readable only by superusers and pg_read_all_settings, so it is not asked.
   *
   * <p>The system identifier tells one database cluster from another (a failover to an instance restored from another
   * snapshot, or a name pointing elsewhere); it is read only where the role may execute {@code pg_control_system()}, so
   * a hardened server gives NULL rather than an error.
   */
  static final String SERVER_INFO =
      """
      /* earlybird */ SELECT current_setting('server_version_num')::int,
             current_setting('server_version'),
             (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'),
             (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
               WHERE e.extname = 'pg_stat_statements'),
             current_setting('track_io_timing'),
             current_setting('pg_stat_statements.max', true),
             current_setting('pg_stat_statements.track', true),
             EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_kcache'),
             EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_kcache.linux_hz' AND vartype = 'integer'),
             (SELECT e.extversion FROM pg_extension e WHERE e.extname = 'pg_stat_kcache'),
             (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
               WHERE e.extname = 'pg_stat_kcache'),
             (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::int8,
             CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
                  THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END,
             current_user::text""";

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
  static String header(PgssVersion v, String pgssSchema) {
    return v.atLeast(1, 9)
        ? """
          /* earlybird */ SELECT clock_timestamp(), i.dealloc, i.stats_reset FROM %s.pg_stat_statements_info i"""
            .formatted(quoteIdent(pgssSchema))
        : """
          /* earlybird */ SELECT clock_timestamp(), NULL::int8, NULL::timestamptz""";
  }

  /**
   * Counters of every entry in the accepted databases ({@code dbid = ANY(?)}: rows of excluded databases are not
   * shipped), from the pg_stat_statements in {@code pgssSchema}. Never the query text: {@code
   * pg_stat_statements(false)} does not read the text file at all.
   *
   * <p>With CPU time per statement from pg_stat_kcache when {@code kcacheSchema} is not null (the schema that
   * extension lives in): LEFT JOINed on the statement key in the same statement, so statements without a kcache
   * entry still come, with a NULL CPU time.
   */
  static String counters(PgssVersion v, String pgssSchema, String kcacheSchema) {
    String toplevel = v.atLeast(1, 9) ? "toplevel" : "true";
    String counters =
        SELECTED.stream().map(c -> select(c, v)).collect(Collectors.joining(",\n       "));
    // Microseconds since the epoch as int8: 8 bytes on the wire and a primitive read, no timestamp parsing per row.
    String statsSince =
        v.atLeast(1, 11) ? "(extract(epoch FROM stats_since) * 1000000)::int8" : "NULL::int8";
    return """
        /* earlybird */ SELECT dbid::int8, userid::int8, queryid, %s,
               %s,
               %s, %s
          FROM %s.pg_stat_statements(false)%s
         WHERE dbid::int8 = ANY(?)"""
        .formatted(
            toplevel,
            counters,
            statsSince,
            kcacheSchema == null ? "NULL::float8" : "k.cpu_s * 1000",
            quoteIdent(pgssSchema),
            kcacheSchema == null ? "" : kcacheJoin(v, kcacheSchema));
  }

  /** Columns of the probe ({@link #probe}), 1-based: one row per (dbid, userid, toplevel), arrays in entry order. */
  static final int PROBE_DBID = 1,
      PROBE_USERID = 2,
      PROBE_TOPLEVEL = 3,
      PROBE_QUERYIDS = 4,
      PROBE_CALLS = 5,
      PROBE_PLANS = 6,
      PROBE_SINCE_MICROS = 7,
      PROBE_EXEC_MS = 8,
      PROBE_PLAN_MS = 9,
      PROBE_CPU_MS = 10,
      PROBE_HIDDEN_CALLS = 11,
      PROBE_HIDDEN_EXEC_MS = 12;

  /**
   * The probe of a steady-state poll: per entry only what moves whenever anything in the entry moves (see {@link
   * ChangeRule}), so that the full counters are read only for entries that changed ({@link #changedCounters}).
   *
   * <p>Grouped per (dbid, userid, toplevel) with the entries' values as text arrays: in the text protocol an array
   * element costs its digits and a comma, where a row costs 7 bytes of header and 4 of length per column, and the
   * group's key is sent once instead of per entry. All aggregates of one group see its rows in the same order (each
   * input row advances every aggregate of its group), so the arrays line up element by element. Columns a version does
   * not need are NULL: {@code stats_since} (17+) identifies an entry's life, before 17 the two times stand in for it.
   * Hidden entries (NULL queryid) come as their calls and execution time, per group, as the full read sums them.
   */
  static String probe(PgssVersion v, String pgssSchema, String kcacheSchema) {
    String toplevel = v.atLeast(1, 9) ? "toplevel" : "true";
    String visible = " FILTER (WHERE queryid IS NOT NULL)";
    boolean since = v.atLeast(1, 11);
    return """
        /* earlybird */ SELECT dbid::int8, userid::int8, %s,
               array_agg(queryid)%s, array_agg(calls)%s, array_agg(plans)%s,
               %s,
               %s,
               %s,
               %s,
               array_agg(calls) FILTER (WHERE queryid IS NULL), array_agg(total_exec_time) FILTER (WHERE queryid IS NULL)
          FROM %s.pg_stat_statements(false)%s
         WHERE dbid::int8 = ANY(?)
         GROUP BY 1, 2, 3"""
        .formatted(
            toplevel,
            visible,
            visible,
            visible,
            since ? "array_agg((extract(epoch FROM stats_since) * 1000000)::int8)" + visible : "NULL::int8[]",
            since ? "NULL::float8[]" : "array_agg(total_exec_time)" + visible,
            since ? "NULL::float8[]" : "array_agg(total_plan_time)" + visible,
            kcacheSchema == null ? "NULL::float8[]" : "array_agg(k.cpu_s * 1000)" + visible,
            quoteIdent(pgssSchema),
            kcacheSchema == null ? "" : kcacheJoin(v, kcacheSchema));
  }

  /**
   * The counter query ({@link #counters}) for the given entries only: after the accepted database oids, four arrays
   * ({@code int8[]} dbid, {@code int8[]} userid, {@code int8[]} queryid, {@code bool[]} toplevel) name the keys.
   */
  static String changedCounters(PgssVersion v, String pgssSchema, String kcacheSchema) {
    String toplevel = v.atLeast(1, 9) ? "toplevel" : "true";
    return counters(v, pgssSchema, kcacheSchema)
        + """

           AND (dbid::int8, userid::int8, queryid, %s)
               IN (SELECT * FROM unnest(?::int8[], ?::int8[], ?::int8[], ?::bool[]))"""
            .formatted(toplevel);
  }

  /**
   * pg_stat_kcache's CPU time of execution (user + system, seconds) per statement key; its columns are renamed so
   * that pg_stat_statements' stay unqualified. Before pg_stat_statements 1.9 one entry holds every nesting level,
   * so kcache's per-level rows are summed to match it.
   */
  private static String kcacheJoin(PgssVersion v, String schema) {
    String function = kcacheFunction(schema);
    return v.atLeast(1, 9)
        ? """

            LEFT JOIN (SELECT queryid AS k_queryid, userid AS k_userid, dbid AS k_dbid, top AS k_top,
                              exec_user_time + exec_system_time AS cpu_s
                         FROM %s) k
              ON k_queryid = queryid AND k_userid = userid AND k_dbid = dbid AND k_top = toplevel"""
            .formatted(function)
        : """

            LEFT JOIN (SELECT queryid AS k_queryid, userid AS k_userid, dbid AS k_dbid,
                              sum(exec_user_time + exec_system_time) AS cpu_s
                         FROM %s GROUP BY 1, 2, 3) k
              ON k_queryid = queryid AND k_userid = userid AND k_dbid = dbid"""
            .formatted(function);
  }

  /** pg_stat_kcache's function, schema-qualified so that it is found whatever the search_path. */
  static String kcacheFunction(String schema) {
    return quoteIdent(schema) + ".pg_stat_kcache()";
  }

  /** Whether this role can call pg_stat_statements(), for {@code earlybird check}. */
  static String pgssProbe(String schema) {
    return "/* earlybird */ SELECT count(*) FROM (SELECT 1 FROM " + quoteIdent(schema)
        + ".pg_stat_statements(false) LIMIT 1) s";
  }

  /** A schema name as an SQL identifier, always quoted (it comes from the server, so it may be anything). */
  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Whether this role can call pg_stat_kcache(), for {@code earlybird check}. */
  static String kcacheProbe(String schema) {
    return "/* earlybird */ SELECT count(*) FROM (SELECT 1 FROM " + kcacheFunction(schema) + " LIMIT 1) k";
  }

  /** Whether the counter query can join pg_stat_kcache on this server: loaded, created, and 2.2 or newer. */
  static boolean kcacheReadable(KcacheInfo k) {
    return k.loaded() && k.created() && kcacheSupported(k.version());
  }

  static boolean kcacheSupported(String version) {
    try {
      return PgssVersion.parse(version).atLeast(KCACHE_OLDEST_SUPPORTED.major(), KCACHE_OLDEST_SUPPORTED.minor());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Texts of given entries only. {@code pg_stat_statements(true)} reads the whole text file, so callers batch the
   * keys they need and call this rarely. {@code length(query) > ?} tells whether the text was cut.
   *
   * <p>Texts as bytes: connected to a SQL_ASCII database, the server would check every text against the client's
   * UTF-8 on the way out and fail the whole read for one text with Latin-1 bytes; to SQL_ASCII nothing is checked
   * (the bytes are decoded leniently), to UTF8 a text of any other encoding is converted.
   */
  static String texts(String pgssSchema) {
    return """
        /* earlybird */ SELECT DISTINCT ON (s.dbid, s.queryid)
               s.dbid::int8, s.queryid,
               convert_to(left(s.query, ?),
                          CASE current_setting('server_encoding') WHEN 'SQL_ASCII' THEN 'SQL_ASCII' ELSE 'UTF8' END),
               length(s.query) > ?
          FROM %s.pg_stat_statements(true) s
          JOIN unnest(?::int8[], ?::int8[]) AS k(dbid, queryid)
            ON s.dbid::int8 = k.dbid AND s.queryid = k.queryid
         ORDER BY s.dbid, s.queryid"""
        .formatted(quoteIdent(pgssSchema));
  }
}
