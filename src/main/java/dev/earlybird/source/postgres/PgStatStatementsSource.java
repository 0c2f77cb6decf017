package dev.earlybird.source.postgres;

import dev.earlybird.model.Counters;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads pg_stat_statements of one target over one connection, opened lazily and re-opened after a failure.
 *
 * <p>Not thread-safe, by contract: one poll at a time per target (the poller skips a tick rather than queue one).
 * {@link #databases} decides which databases {@link #snapshot()} reads; until it is called, snapshot reads every
 * connectable database.
 *
 * <p>A steady-state {@link #snapshot()} is one round trip: the header (server clock, dealloc, stats_reset) and
 * the counters go as two statements inside the {@link ReadOnlyTransaction} (BEGIN, the limits, the two reads and
 * COMMIT) before a single Sync, counters decoded by column index into
 * the {@link Counters} record and nothing else per row. Where pg_stat_kcache is readable (see {@link
 * StatementQueries#kcacheReadable}) the counter query joins its CPU time per statement; if that join fails for
 * want of the extension or a privilege, the read is repeated without it and this source stops joining it, so an
 * optional extension never costs the statistics.
 */
public final class PgStatStatementsSource implements AutoCloseable {
  private final PgEndpoint endpoint;
  private Connection connection;
  private ServerInfo serverInfo;
  private PgssVersion pgssVersion;
  /** The schema pg_stat_statements lives in; null when it is not created. */
  private String pgssSchema;
  private PreparedStatement snapshotStatement;
  /** The header and counter SQL for the current server facts; {@link #snapshotStatement} runs it. */
  private String snapshotSql;
  /** Reading pg_stat_kcache failed on this source: the counter query no longer joins it. */
  private boolean kcacheFailed;
  private long[] acceptedDbIds;
  private Array acceptedDbIdsArray;
  private int lastSize = 64;
  private HiddenEntries hidden = HiddenEntries.NONE;
  private final StatementTexts texts;

  public PgStatStatementsSource(PgEndpoint endpoint) {
    this.endpoint = endpoint;
    this.texts = new StatementTexts(endpoint.targetName());
  }

  /**
   * The counter query this source runs for a pg_stat_statements extension version (one {@code int8[]} parameter:
   * the accepted database oids). Public so that a benchmark measures the very same read, never a copy.
   */
  public static String countersSql(String extVersion, String pgssSchema) {
    return StatementQueries.counters(PgssVersion.parse(extVersion), pgssSchema, null);
  }

  public String target() {
    return endpoint.targetName();
  }

  /**
   * Server version, extension version and the settings that matter, read now (settings change on reload, the
   * extension on {@code ALTER EXTENSION ... UPDATE}, which also changes the counter query).
   */
  public ServerInfo serverInfo() throws SourceException {
    Connection c = connection();
    try {
      adopt(ServerFacts.read(c, endpoint.statementTimeout()));
    } catch (SQLException e) {
      throw failed("server info", e);
    }
    return serverInfo;
  }

  /**
   * Connectable, non-template databases accepted by {@code filter}; also what {@link #snapshot()} reads from now
   * on, so excluded databases' rows are never shipped.
   */
  public List<DatabaseInfo> databases(Predicate<String> filter) throws SourceException {
    Connection c = connection();
    var result = new ArrayList<DatabaseInfo>();
    try {
      ReadOnlyTransaction.query(c, endpoint.statementTimeout(), StatementQueries.DATABASES, rs -> {
        while (rs.next()) {
          String name = rs.getString(2);
          if (filter.test(name)) {
            result.add(new DatabaseInfo(target(), rs.getLong(1), name));
          }
        }
        return result;
      });
    } catch (SQLException e) {
      throw failed("databases", e);
    }
    acceptedDbIds = result.stream().mapToLong(DatabaseInfo::oid).toArray();
    acceptedDbIdsArray = null;
    return List.copyOf(result);
  }

  /** Cumulative counters of all entries in the accepted databases, at the server's clock. */
  public Snapshot snapshot() throws SourceException {
    if (acceptedDbIds == null) {
      databases(name -> true);
    }
    Connection c = connection();
    requireExtension();
    try {
      return readSnapshot(c);
    } catch (SQLException e) {
      if (!joinsKcache() || !isMissingOrForbidden(e)) {
        throw failed("snapshot", e);
      }
      // Without the CPU time rather than without the statistics (e.g. EXECUTE on pg_stat_kcache() revoked).
      kcacheFailed = true;
      adopt(new ServerFacts(serverInfo, pgssSchema));
      try {
        return readSnapshot(c);
      } catch (SQLException again) {
        again.addSuppressed(e);
        throw failed("snapshot", again);
      }
    }
  }

  /**
   * Whether the counter query reads CPU times from pg_stat_kcache, as far as the server facts read so far tell
   * (false before the first connection).
   */
  public boolean joinsKcache() {
    return serverInfo != null && kcacheSchema(serverInfo) != null;
  }

  private Snapshot readSnapshot(Connection c) throws SQLException, SourceException {
    PreparedStatement ps = snapshotStatement(c);
    try {
      return readSnapshot(ps);
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      throw e;
    }
  }

  private Snapshot readSnapshot(PreparedStatement ps) throws SQLException, SourceException {
    boolean first = ps.execute();
    Instant takenAt;
    OptionalLong dealloc = OptionalLong.empty();
    Optional<Instant> statsReset = Optional.empty();
    try (ResultSet header = ReadOnlyTransaction.resultSet(ps, first)) {
      if (!header.next()) {
        throw new SourceException(ErrorReason.BAD_VALUE, "target " + target() + ": empty snapshot header");
      }
      takenAt = header.getObject(1, OffsetDateTime.class).toInstant();
      long d = header.getLong(2);
      if (!header.wasNull()) {
        dealloc = OptionalLong.of(d);
      }
      OffsetDateTime reset = header.getObject(3, OffsetDateTime.class);
      if (reset != null) {
        statsReset = Optional.of(reset.toInstant());
      }
    }
    Map<StatementKey, Counters> entries;
    try (ResultSet rs = ReadOnlyTransaction.resultSet(ps, ps.getMoreResults())) {
      entries = readCounters(rs);
    }
    lastSize = entries.size();
    return new Snapshot(target(), takenAt, statsReset, dealloc, entries);
  }

  private static boolean isMissingOrForbidden(SQLException e) {
    ErrorReason reason = SourceException.classify(e);
    return reason == ErrorReason.MISSING_EXTENSION || reason == ErrorReason.PERMISSION;
  }

  /**
   * Entries skipped in the last {@link #snapshot()} because their queryid was NULL: statements of other users,
   * hidden because this role is not a member of {@code pg_read_all_stats}. Non-zero means the data is incomplete.
   */
  public long skippedNullQueryIds() {
    return hidden.entries();
  }

  /** The hidden entries of the last {@link #snapshot()}, with their work summed per group (see {@link HiddenEntries}). */
  public HiddenEntries hidden() {
    return hidden;
  }

  /**
   * Query texts of the given entries, cut to {@code maxLength} characters and passed through {@code mode} (see {@link
   * StatementTexts}). Expensive on the server (reads the whole text file): call only for new keys, throttled.
   */
  public List<dev.earlybird.model.StatementText> texts(Collection<StatementKey> keys, int maxLength,
      dev.earlybird.config.QueryTextMode mode) throws SourceException {
    Connection c = connection();
    requireExtension();
    try {
      return texts.fetch(c, keys, maxLength, mode, pgssSchema, endpoint.statementTimeout());
    } catch (SQLException e) {
      if (BAD_ENCODING.contains(e.getSQLState())) {
        // The server's message quotes bytes of the text: never log it.
        throw new SourceException(ErrorReason.OTHER, "target " + target() + ": texts: a query text in "
            + "pg_stat_statements is not valid in the encoding of the database this target connects to (SQLSTATE "
            + e.getSQLState() + "; typically bytes from a SQL_ASCII database); pg_stat_statements returns no text "
            + "while that entry exists. Point the target's url at a SQL_ASCII database of the server to read every "
            + "text, or remove the entry (pg_stat_statements_reset)");
      }
      throw failed("texts", e);
    }
  }

  /** character_not_in_repertoire, untranslatable_character: a text pg_stat_statements cannot convert. */
  private static final Set<String> BAD_ENCODING = Set.of("22021", "22P05");

  /** Closes the connection; the next call opens a new one. */
  @Override
  public void close() {
    dropConnection();
  }

  private Map<StatementKey, Counters> readCounters(ResultSet rs) throws SQLException {
    var entries = HashMap.<StatementKey, Counters>newHashMap(lastSize + lastSize / 8 + 16);
    int nullIds = 0;
    Map<HiddenEntries.Group, HiddenEntries.Totals> hiddenGroups = new HashMap<>();
    String target = target();
    // Entries of one reset epoch share stats_since: reuse the Instant instead of one per row.
    long lastSinceMicros = Long.MIN_VALUE;
    Instant lastSince = null;
    while (rs.next()) {
      long queryId = rs.getLong(StatementQueries.QUERYID);
      if (rs.wasNull()) {
        nullIds++;
        hide(rs, hiddenGroups);
        continue;
      }
      Instant since = null;
      long sinceMicros = rs.getLong(StatementQueries.STATS_SINCE_MICROS);
      if (!rs.wasNull()) {
        if (sinceMicros != lastSinceMicros) {
          lastSinceMicros = sinceMicros;
          lastSince =
              Instant.ofEpochSecond(
                  Math.floorDiv(sinceMicros, 1_000_000L), Math.floorMod(sinceMicros, 1_000_000L) * 1000L);
        }
        since = lastSince;
      }
      var key =
          new StatementKey(
              target,
              rs.getLong(StatementQueries.DBID),
              rs.getLong(StatementQueries.USERID),
              queryId,
              rs.getBoolean(StatementQueries.TOPLEVEL));
      var counters =
          new Counters(
              rs.getLong(StatementQueries.CALLS),
              rs.getDouble(StatementQueries.TOTAL_EXEC),
              rs.getDouble(StatementQueries.MEAN_EXEC),
              rs.getDouble(StatementQueries.STDDEV_EXEC),
              rs.getLong(StatementQueries.ROWS),
              rs.getLong(StatementQueries.SHARED_HIT),
              rs.getLong(StatementQueries.SHARED_READ),
              rs.getLong(StatementQueries.SHARED_DIRTIED),
              rs.getLong(StatementQueries.SHARED_WRITTEN),
              rs.getLong(StatementQueries.LOCAL_HIT),
              rs.getLong(StatementQueries.LOCAL_READ),
              rs.getLong(StatementQueries.TEMP_READ),
              rs.getLong(StatementQueries.TEMP_WRITTEN),
              rs.getDouble(StatementQueries.BLK_READ_TIME),
              rs.getDouble(StatementQueries.BLK_WRITE_TIME),
              rs.getDouble(StatementQueries.TEMP_READ_TIME),
              rs.getDouble(StatementQueries.TEMP_WRITE_TIME),
              rs.getLong(StatementQueries.PLANS),
              rs.getDouble(StatementQueries.TOTAL_PLAN),
              rs.getLong(StatementQueries.WAL_RECORDS),
              rs.getLong(StatementQueries.WAL_FPI),
              rs.getLong(StatementQueries.WAL_BYTES),
              rs.getDouble(StatementQueries.JIT_TOTAL),
              since,
              cpuMs(rs));
      entries.put(key, counters);
    }
    hidden = new HiddenEntries(nullIds, hiddenGroups);
    return entries;
  }

  /** Adds a hidden entry's calls and time to its group; an entry with nonsense counters adds nothing. */
  private static void hide(ResultSet rs, Map<HiddenEntries.Group, HiddenEntries.Totals> groups) throws SQLException {
    long calls = rs.getLong(StatementQueries.CALLS);
    double execMs = rs.getDouble(StatementQueries.TOTAL_EXEC);
    if (calls < 0 || !(execMs >= 0) || Double.isInfinite(execMs)) {
      return;
    }
    var group = new HiddenEntries.Group(
        rs.getLong(StatementQueries.DBID), rs.getLong(StatementQueries.USERID), rs.getBoolean(StatementQueries.TOPLEVEL));
    groups.merge(group, new HiddenEntries.Totals(calls, execMs), HiddenEntries.Totals::plus);
  }

  /** NULL (no kcache entry, or no kcache join) is unknown, never 0. */
  private static OptionalDouble cpuMs(ResultSet rs) throws SQLException {
    double ms = rs.getDouble(StatementQueries.KCACHE_CPU_MS);
    return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(ms);
  }

  private PreparedStatement snapshotStatement(Connection c) throws SQLException {
    if (snapshotStatement == null) {
      // No fetch size: the driver only streams with a cursor inside a transaction, which costs a COMMIT round
      // trip per poll. pg_stat_statements.max bounds the result (10,000 rows are a few MB), so read it whole.
      snapshotStatement = c.prepareStatement(snapshotSql);
      ReadOnlyTransaction.limitWait(snapshotStatement, endpoint.statementTimeout());
    }
    if (acceptedDbIdsArray == null) {
      Long[] boxed = new Long[acceptedDbIds.length];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = acceptedDbIds[i];
      }
      acceptedDbIdsArray = c.createArrayOf("int8", boxed);
      snapshotStatement.setArray(1, acceptedDbIdsArray);
    }
    return snapshotStatement;
  }

  /**
   * Fails without a round trip when the facts read at connect say the extension cannot work, and drops the
   * connection so the next poll re-reads them (a DBA may have fixed it meanwhile).
   */
  private void requireExtension() throws SourceException {
    String problem = null;
    if (serverInfo.pgssMax() <= 0) {
      problem = "pg_stat_statements is not in shared_preload_libraries";
    } else if (pgssVersion == null || pgssSchema == null) {
      problem = "extension pg_stat_statements is not created in the connect database";
    } else if (!pgssVersion.supported()) {
      problem = "pg_stat_statements " + pgssVersion + " is older than 1.8; run ALTER EXTENSION pg_stat_statements UPDATE";
    }
    if (problem != null) {
      dropConnection();
      throw new SourceException(ErrorReason.MISSING_EXTENSION, "target " + target() + ": " + problem);
    }
  }

  private Connection connection() throws SourceException {
    if (connection != null) {
      return connection;
    }
    Connection c = PgConnector.open(endpoint);
    try {
      adopt(ServerFacts.read(c, endpoint.statementTimeout()));
    } catch (SQLException | RuntimeException e) {
      PgConnector.cancelIfAbandoned(c);
      closeQuietly(c);
      throw SourceException.of("target " + target() + ": server info", e);
    }
    connection = c;
    return c;
  }

  private void adopt(ServerFacts facts) {
    ServerInfo info = facts.info();
    String schema = facts.pgssSchema();
    PgssVersion version = info.pgssVersion() == null ? null : PgssVersion.parse(info.pgssVersion());
    String sql =
        version == null || !version.supported() || schema == null
            ? null
            : ReadOnlyTransaction.wrap(
                StatementQueries.header(version, schema) + ";\n"
                    + StatementQueries.counters(version, schema, kcacheSchema(info)),
                endpoint.statementTimeout());
    if (!java.util.Objects.equals(sql, snapshotSql) && snapshotStatement != null) {
      // Another extension version, or pg_stat_kcache came or went: prepare the query that matches.
      try {
        snapshotStatement.close();
      } catch (SQLException ignored) {
        // closing a statement we are replacing; the connection stays usable
      }
      snapshotStatement = null;
      acceptedDbIdsArray = null;
    }
    serverInfo = info;
    pgssSchema = schema;
    pgssVersion = version;
    snapshotSql = sql;
  }

  /** The schema of a pg_stat_kcache the counter query can join, or null. */
  private String kcacheSchema(ServerInfo info) {
    return !kcacheFailed && StatementQueries.kcacheReadable(info.kcache()) ? info.kcache().schema() : null;
  }

  /**
   * Classifies the error and drops the connection, so the next call starts from a fresh session. A read that
   * failed on the client's side (socket timeout, interrupt) may still run on the server, which does not notice the
   * closed socket while it runs: it is cancelled first, so a slow server never piles up the agent's queries.
   */
  private SourceException failed(String what, SQLException e) {
    if (connection != null) {
      PgConnector.cancelIfAbandoned(connection);
    }
    dropConnection();
    return SourceException.of("target " + target() + ": " + what, e);
  }

  private void dropConnection() {
    snapshotStatement = null;
    acceptedDbIdsArray = null;
    if (connection != null) {
      closeQuietly(connection);
      connection = null;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the connection is being thrown away; nothing useful to do with a close error
    }
  }
}
