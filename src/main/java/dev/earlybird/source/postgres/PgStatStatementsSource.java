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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>The first {@link #snapshot()} reads every entry whole in one round trip: the header (server clock, dealloc,
 * stats_reset) and the counters go as two statements inside the {@link ReadOnlyTransaction} (BEGIN, the limits, the
 * two reads and COMMIT) before a single Sync, counters decoded by column index into the {@link Counters} record and
 * nothing else per row ({@link CounterRows}). A steady-state snapshot reads only what changed, in two round trips of
 * one transaction: the header and a probe of every entry ({@link StatementQueries#probe}: the few values that move
 * whenever anything in an entry moves, see {@link ChangeRule}), then the counters of the changed and new entries only
 * ({@link StatementQueries#changedCounters}) and COMMIT; the other entries keep the counters this source read last,
 * which the probe shows they still have. The snapshot is the one a full read would have given, at a fraction of the
 * bytes (docs/benchmarks.md). When more than {@link #CHANGED_SHARE_LIMIT} of the entries changed (a reset, heavy
 * churn), or the header shows a full reset or, before 17, evictions ({@link ChangeRule#readEveryEntry}), the second
 * round trip reads every entry instead, and the next poll reads whole in one round trip until a poll shows few
 * changes and no such header again. Nothing read before is trusted after a new connection, another counter query, or
 * server facts that name another server (its start time or system identifier). Where pg_stat_kcache is readable (see
 * {@link StatementQueries#kcacheReadable}) the counter query joins its CPU time per statement; if that join fails for
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
  /** BEGIN, the limits, the header and the probe: the first round trip of a probed read (no COMMIT). */
  private String probeSql;
  /** The counters of given keys, then COMMIT: the second round trip of a probed read. */
  private String changedSql;
  /** The counters of every entry, then COMMIT: the second round trip when the probe found too many changed. */
  private String everySql;
  private PreparedStatement probeStatement;
  private PreparedStatement changedStatement;
  private PreparedStatement everyStatement;
  /** Whether snapshots may probe; false only for {@link #fullReadsOnly} (the bench's and tests' reference). */
  private final boolean probing;
  /**
   * The entries of the last snapshot as read from this server, or null when there is none to trust: before the first
   * read, after a failed one, a new connection (the server may have restarted), another counter query, or server facts
   * of another server or another start of it (behind a pooler the connection may stay).
   */
  private Map<StatementKey, Counters> lastEntries;
  /** The header read with {@link #lastEntries}. */
  private Header lastHeader;
  /** Whether the next snapshot probes: the last one saw few enough changes. */
  private boolean probeNext;
  private SnapshotRead lastRead;
  /** Reading pg_stat_kcache failed on this source: the counter query no longer joins it. */
  private boolean kcacheFailed;
  private long[] acceptedDbIds;
  private Array acceptedDbIdsArray;
  private int lastSize = 64;
  private HiddenEntries hidden = HiddenEntries.NONE;
  private final StatementTexts texts;

  /**
   * The share of changed entries above which a probed read is not worth its probe: the changed entries' counters are
   * then read all at once, and the next poll reads whole. Measured with PollBench (docs/benchmarks.md, 10,000 entries):
   * the probe costs about a fifth of a full read's bytes and each changed entry 1.2 full rows (its key goes up as a
   * parameter), so bytes would break even only at about 70% changed; but the probed poll calls pg_stat_statements twice,
   * and its snapshot took 0.84x a full read's time at 1% changed, 1.07x at 11% and 1.18x at 30%. A fifth keeps the
   * bytes under half of a full read's for at most about a tenth more time; beyond it the full read is both simpler and
   * faster.
   */
  static final double CHANGED_SHARE_LIMIT = 0.2;

  public PgStatStatementsSource(PgEndpoint endpoint) {
    this(endpoint, true);
  }

  private PgStatStatementsSource(PgEndpoint endpoint, boolean probing) {
    this.endpoint = endpoint;
    this.texts = new StatementTexts(endpoint.targetName());
    this.probing = probing;
  }

  /**
   * A source that reads every entry whole on every poll, as Earlybird did before it probed: the reference the bench
   * and the tests compare the probed reads with.
   */
  public static PgStatStatementsSource fullReadsOnly(PgEndpoint endpoint) {
    return new PgStatStatementsSource(endpoint, false);
  }

  /** How the last {@link #snapshot()} read the counters; null before the first. */
  public SnapshotRead lastRead() {
    return lastRead;
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
    Map<StatementKey, Counters> before = lastEntries;
    Header was = lastHeader;
    // Until this read succeeds nothing from an earlier one is trusted: a failed read may have left it half done.
    lastEntries = null;
    Snapshot next;
    try {
      next = before != null && probeNext ? readProbed(c, before, was) : readFull(c, before);
    } catch (SQLException e) {
      ReadOnlyTransaction.endFailed(c, e);
      throw e;
    } catch (RuntimeException e) {
      // E.g. a probe array that does not parse: the probe's transaction is still open, so end it before giving up.
      var failure = new SQLException("target " + target() + ": unreadable probe: " + e.getMessage(), e);
      ReadOnlyTransaction.endFailed(c, failure);
      throw failure;
    }
    lastEntries = next.entries();
    lastSize = lastEntries.size();
    Header now = Header.of(next);
    lastHeader = now;
    // After a read whose header called for reading whole, the next poll reads whole in one round trip, as before
    // probing: a server before 17 that evicts on every poll then costs what it did, not a probe on top.
    probeNext = probing && !(before != null && readEveryEntry(was, now))
        && lastRead.changed() <= CHANGED_SHARE_LIMIT * lastRead.entries();
    return next;
  }

  /** Whether the header of a read, against the last read's, says to read every entry ({@link ChangeRule}). */
  private boolean readEveryEntry(Header was, Header now) {
    return ChangeRule.readEveryEntry(was.statsReset(), was.dealloc(), now.statsReset(), now.dealloc(),
        pgssVersion.atLeast(1, 11));
  }

  /** One round trip: the header and every entry's counters. */
  private Snapshot readFull(Connection c, Map<StatementKey, Counters> before) throws SQLException, SourceException {
    PreparedStatement ps = snapshotStatement(c);
    Header header = readHeader(ps, ps.execute());
    CounterRows.Read read;
    try (ResultSet rs = ReadOnlyTransaction.resultSet(ps, ps.getMoreResults())) {
      read = CounterRows.read(rs, target(), lastSize);
    }
    hidden = read.hidden();
    lastRead = new SnapshotRead(SnapshotRead.Kind.FULL, read.entries().size(), changed(before, read.entries()),
        read.entries().size() + read.hidden().entries());
    return header.snapshot(target(), read.entries());
  }

  /**
   * Two round trips in one transaction: the header and the probe of every entry, then the counters of the entries the
   * probe shows changed (or all of them, if that is most or the header says so) and COMMIT.
   */
  private Snapshot readProbed(Connection c, Map<StatementKey, Counters> before, Header was)
      throws SQLException, SourceException {
    PreparedStatement probe = probeStatement(c);
    Header header = readHeader(probe, probe.execute());
    boolean everyEntry = readEveryEntry(was, header);
    EntryProbe found = null;
    try (ResultSet rs = ReadOnlyTransaction.resultSet(probe, probe.getMoreResults())) {
      if (!everyEntry) {
        found = EntryProbe.read(rs, target(), before, joinsKcache());
      }
    }
    if (everyEntry || found.changed().size() > CHANGED_SHARE_LIMIT * found.entries()) {
      PreparedStatement every = everyStatement(c);
      CounterRows.Read read;
      try (ResultSet rs = ReadOnlyTransaction.resultSet(every, every.execute())) {
        read = CounterRows.read(rs, target(), lastSize);
      }
      hidden = read.hidden();
      lastRead = new SnapshotRead(SnapshotRead.Kind.PROBED_THEN_FULL, read.entries().size(),
          changed(before, read.entries()), read.entries().size() + read.hidden().entries());
      return header.snapshot(target(), read.entries());
    }
    Map<StatementKey, Counters> entries = found.unchanged();
    int changed = found.changed().size();
    int rows = 0;
    if (changed == 0) {
      try (Statement commit = c.createStatement()) {
        ReadOnlyTransaction.limitWait(commit, endpoint.statementTimeout());
        commit.execute("COMMIT");
      }
    } else {
      PreparedStatement ps = changedStatement(c, found.changed());
      try (ResultSet rs = ReadOnlyTransaction.resultSet(ps, ps.execute())) {
        // An entry evicted since the probe is not among the rows: it is gone, as a full read now would find.
        Map<StatementKey, Counters> read = CounterRows.read(rs, target(), changed).entries();
        rows = read.size();
        entries.putAll(read);
      }
    }
    hidden = found.hidden();
    lastRead = new SnapshotRead(SnapshotRead.Kind.PROBED, entries.size(), changed, rows);
    return header.snapshot(target(), entries);
  }

  /** Entries of {@code now} that a probe would not have carried over from {@code before}; -1 without a before. */
  private static int changed(Map<StatementKey, Counters> before, Map<StatementKey, Counters> now) {
    if (before == null) {
      return -1;
    }
    int changed = 0;
    for (Map.Entry<StatementKey, Counters> e : now.entrySet()) {
      Counters was = before.get(e.getKey());
      if (was == null || !ChangeRule.unchanged(was, e.getValue())) {
        changed++;
      }
    }
    return changed;
  }

  /** The server's clock and the reset/eviction facts of a read. */
  private record Header(Instant takenAt, Optional<Instant> statsReset, OptionalLong dealloc) {
    static Header of(Snapshot s) {
      return new Header(s.takenAt(), s.statsReset(), s.dealloc());
    }

    Snapshot snapshot(String target, Map<StatementKey, Counters> entries) {
      return new Snapshot(target, takenAt, statsReset, dealloc, entries);
    }
  }

  private Header readHeader(Statement s, boolean first) throws SQLException, SourceException {
    try (ResultSet header = ReadOnlyTransaction.resultSet(s, first)) {
      if (!header.next()) {
        throw new SourceException(ErrorReason.BAD_VALUE, "target " + target() + ": empty snapshot header");
      }
      Instant takenAt = header.getObject(1, OffsetDateTime.class).toInstant();
      OptionalLong dealloc = OptionalLong.empty();
      long d = header.getLong(2);
      if (!header.wasNull()) {
        dealloc = OptionalLong.of(d);
      }
      OffsetDateTime reset = header.getObject(3, OffsetDateTime.class);
      return new Header(takenAt, reset == null ? Optional.empty() : Optional.of(reset.toInstant()), dealloc);
    }
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

  private PreparedStatement snapshotStatement(Connection c) throws SQLException {
    if (snapshotStatement == null) {
      // No fetch size: the driver only streams with a cursor inside a transaction, which costs a COMMIT round
      // trip per poll. pg_stat_statements.max bounds the result (10,000 rows are a few MB), so read it whole.
      snapshotStatement = prepare(c, snapshotSql);
    }
    snapshotStatement.setArray(1, acceptedDbIds(c));
    return snapshotStatement;
  }

  private PreparedStatement probeStatement(Connection c) throws SQLException {
    if (probeStatement == null) {
      probeStatement = prepare(c, probeSql);
    }
    probeStatement.setArray(1, acceptedDbIds(c));
    return probeStatement;
  }

  private PreparedStatement everyStatement(Connection c) throws SQLException {
    if (everyStatement == null) {
      everyStatement = prepare(c, everySql);
    }
    everyStatement.setArray(1, acceptedDbIds(c));
    return everyStatement;
  }

  /** The counter query of {@code keys} only: their parts as four arrays, one element per key. */
  private PreparedStatement changedStatement(Connection c, List<StatementKey> keys) throws SQLException {
    if (changedStatement == null) {
      changedStatement = prepare(c, changedSql);
    }
    int n = keys.size();
    Long[] dbIds = new Long[n];
    Long[] userIds = new Long[n];
    Long[] queryIds = new Long[n];
    Boolean[] toplevels = new Boolean[n];
    for (int i = 0; i < n; i++) {
      StatementKey k = keys.get(i);
      dbIds[i] = k.dbId();
      userIds[i] = k.userId();
      queryIds[i] = k.queryId();
      toplevels[i] = k.toplevel();
    }
    changedStatement.setArray(1, acceptedDbIds(c));
    changedStatement.setArray(2, c.createArrayOf("int8", dbIds));
    changedStatement.setArray(3, c.createArrayOf("int8", userIds));
    changedStatement.setArray(4, c.createArrayOf("int8", queryIds));
    changedStatement.setArray(5, c.createArrayOf("bool", toplevels));
    return changedStatement;
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ReadOnlyTransaction.limitWait(ps, endpoint.statementTimeout());
    return ps;
  }

  /** The accepted database oids as the {@code int8[]} parameter every counter read takes first. */
  private Array acceptedDbIds(Connection c) throws SQLException {
    if (acceptedDbIdsArray == null) {
      Long[] boxed = new Long[acceptedDbIds.length];
      for (int i = 0; i < boxed.length; i++) {
        boxed[i] = acceptedDbIds[i];
      }
      acceptedDbIdsArray = c.createArrayOf("int8", boxed);
    }
    return acceptedDbIdsArray;
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
    boolean readable = version != null && version.supported() && schema != null;
    String kcache = kcacheSchema(info);
    String sql =
        !readable
            ? null
            : ReadOnlyTransaction.wrap(
                StatementQueries.header(version, schema) + ";\n" + StatementQueries.counters(version, schema, kcache),
                endpoint.statementTimeout());
    if (!java.util.Objects.equals(sql, snapshotSql)) {
      // Another extension version, or pg_stat_kcache came or went: prepare the queries that match, and trust no
      // counters read with the old ones (a column may mean something else now).
      closeStatements();
      lastEntries = null;
    }
    if (serverInfo != null && (!info.startedAt().equals(serverInfo.startedAt())
        || !java.util.Objects.equals(info.systemIdentifier(), serverInfo.systemIdentifier()))) {
      // Another server, or this one restarted, behind a connection that stayed (a pooler): read it whole.
      lastEntries = null;
    }
    serverInfo = info;
    pgssSchema = schema;
    pgssVersion = version;
    snapshotSql = sql;
    if (readable) {
      Duration timeout = endpoint.statementTimeout();
      probeSql = ReadOnlyTransaction.begin(timeout, ReadOnlyTransaction.SEARCH_PATH)
          + StatementQueries.header(version, schema) + ";\n" + StatementQueries.probe(version, schema, kcache);
      changedSql = StatementQueries.changedCounters(version, schema, kcache) + ";\nCOMMIT";
      everySql = StatementQueries.counters(version, schema, kcache) + ";\nCOMMIT";
    }
  }

  private void closeStatements() {
    for (PreparedStatement ps : new PreparedStatement[] {snapshotStatement, probeStatement, changedStatement,
        everyStatement}) {
      if (ps != null) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // closing a statement we are replacing; the connection stays usable
        }
      }
    }
    snapshotStatement = null;
    probeStatement = null;
    changedStatement = null;
    everyStatement = null;
    acceptedDbIdsArray = null;
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
    probeStatement = null;
    changedStatement = null;
    everyStatement = null;
    acceptedDbIdsArray = null;
    // The server may restart while we are away (without pg_stat_statements.save, every entry starts over).
    lastEntries = null;
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
