package dev.earlybird.history;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Finding;
import dev.earlybird.model.Period;
import dev.earlybird.model.PiShare;
import dev.earlybird.model.PiWindow;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded store: one DuckDB file, one write connection used by one writer thread, and a fresh
 * {@code duplicate()} connection per read so that reads run concurrently with writes (MVCC).
 *
 * <p>Transactions: the write connection has autocommit off. A DuckDB Appender joins the connection's
 * transaction only once a statement has run in it (transactions start lazily; an Appender used first
 * commits on its own), so every write transaction runs a statement before any Appender.
 *
 * <p>A failed write (a full disk) is rolled back and the write connection replaced, never reused: DuckDB ends a
 * transaction whose COMMIT failed, but its JDBC driver goes on believing one runs, so it would send no BEGIN again
 * and every later statement would commit on its own (a poll half stored) while every commit fails. A failed
 * checkpoint invalidates the whole database instance; then the file is opened again, at once or at a later write.
 * Either way the cached snapshot state is forgotten and read again from what was committed. {@link #health()}
 * tells whether the store writes.
 */
public final class DuckDbHistoryStore implements HistoryStore {
  /**
   * DuckDB's cap on its buffer pool and operator memory (its default is 80% of the machine's RAM, which a
   * long-running agent fills with cached blocks of the store file). Above it, big aggregates spill to
   * {@code <store>.tmp}. Measured with AnalysisBench: one evaluation of a million statement series with a
   * 28-day rolling baseline peaks under 2 GB; at 1 GB it spills and takes three times as long.
   */
  static final long MAX_MEMORY_BYTES = 2L << 30;
  /**
   * In a small container DuckDB gets at most this share of the memory the JVM sees (the container's limit): the
   * heap takes up to half (the image's MaxRAMPercentage), and both must fit or the kernel kills the container.
   */
  static final double MEMORY_SHARE = 0.4;
  static final long MIN_MEMORY_BYTES = 256L << 20;

  /** DuckDB's memory cap for a JVM that sees {@code totalMemoryBytes}: 2 GB, or 40 % of it when that is less. */
  static long memoryLimitBytes(long totalMemoryBytes) {
    if (totalMemoryBytes <= 0) {
      return MAX_MEMORY_BYTES;
    }
    return Math.max(MIN_MEMORY_BYTES, Math.min(MAX_MEMORY_BYTES, (long) (totalMemoryBytes * MEMORY_SHARE)));
  }

  /** The memory this JVM may use: the container's limit when it has one (the JDK reads cgroups), else the RAM. */
  private static long visibleMemoryBytes() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  private final Path file;
  private final InstantSource clock;
  private final boolean readOnly;
  /** Opened from the file and only ever duplicated: reads and the writer get their own connections from it. */
  private volatile DuckDBConnection root;
  /** The write connection (autocommit off); replaced after a failed write. Used under {@link #writeLock}. */
  private DuckDBConnection writer;
  /** The database instance was invalidated and could not be opened again yet: the next write tries. */
  private boolean reopenNeeded;
  /** Guards the write connection: writes are meant to come from one thread, this makes misuse safe. */
  private final ReentrantLock writeLock = new ReentrantLock();
  /** Reads hold the read side; opening the file again holds the write side (DuckDB opens a file once per process). */
  private final ReentrantReadWriteLock connections = new ReentrantReadWriteLock();
  private final StoreHealth health;
  /** Last committed snapshot state per target, so a poll writes only the entries that changed. */
  private final Map<String, SnapshotTable.Stored> committed = new HashMap<>();
  private Rollups.Watermarks watermarks;
  private volatile Duration lastWriteLatency = Duration.ZERO;
  /** Test hook: runs just before a poll's commit (to prove a failure there leaves nothing behind). */
  Runnable beforePollCommit = () -> {};
  /** The seam the alerting tables write and read through: this store's transactions. */
  final Transactions transactions = new Transactions() {
    @Override
    public void write(String what, Transactions.Work work) {
      DuckDbHistoryStore.this.write(what, () -> {
        work.run(writer);
        writer.commit();
      });
    }

    @Override
    public <T> T read(String what, SqlRead<T> read) {
      return DuckDbHistoryStore.this.read(what, read);
    }
  };
  private final Alerting alerting = Alerting.over(transactions);
  private final AdvisorStore advisor = new JdbcAdvisorStore(transactions);
  private final FamilyReads families = new FamilyReads(transactions);

  private DuckDbHistoryStore(Path file, InstantSource clock, DuckDBConnection root, boolean readOnly)
      throws SQLException {
    this.file = file;
    this.clock = clock;
    this.root = root;
    this.readOnly = readOnly;
    this.health = new StoreHealth(clock);
    this.writer = writerOf(root);
    try {
      if (readOnly) {
        // A read-only store cannot migrate: it reads only stores the agent brought to this build's schema.
        SchemaMigrator.requireCurrent(writer, file.toString());
      } else {
        SchemaMigrator.migrate(writer, file.toString());
      }
      this.watermarks = Rollups.load(writer);
      writer.commit();
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writer);
      throw e;
    }
  }

  /** A new write connection on the open database (autocommit off, like every duplicate of the root). */
  private static DuckDBConnection writerOf(DuckDBConnection root) throws SQLException {
    DuckDBConnection w = root.duplicate();
    try (var s = w.createStatement()) {
      s.execute("SET memory_limit = '" + memoryLimitBytes(visibleMemoryBytes()) / (1 << 20) + "MiB'");
      return w;
    } catch (SQLException e) {
      closeQuietly(w);
      throw e;
    }
  }

  /**
   * Opens the file. Without DuckDB's instance cache: the cache keeps handing out an instance that a failed
   * checkpoint invalidated, even after every connection to it was closed, so the store could never recover.
   */
  private static DuckDBConnection connect(Path file, boolean readOnly) throws SQLException {
    Properties props = new Properties();
    props.setProperty("jdbc_instance_cache", "false");
    if (readOnly) {
      props.setProperty("duckdb.read_only", "true");
    }
    var c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, props);
    try {
      c.setAutoCommit(false); // inherited by duplicates: a read sees one snapshot of the store, whatever commits meanwhile
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // a connection of a failed database: nothing more to release
      }
    }
  }

  /** Whether the store writes; a failed write marks it failing until a write works again. */
  @Override
  public StoreHealth health() {
    return health;
  }

  public static DuckDbHistoryStore open(Path file) {
    return open(file, InstantSource.system());
  }

  /** Opens (creating if needed) the store file and migrates its schema; errors say how to fix them. */
  public static DuckDbHistoryStore open(Path file, InstantSource clock) {
    return open(file, clock, false);
  }

  /**
   * Opens an existing store for reading only (the command line's reports), which never changes the file.
   * DuckDB refuses it while another process has the file open read-write: {@link StoreInUseException}.
   */
  public static DuckDbHistoryStore openReadOnly(Path file) {
    Path abs = file.toAbsolutePath();
    if (!Files.exists(abs)) {
      throw new HistoryException("there is no history store at " + abs + " yet: start the agent with this config "
          + "(earlybird run) and let it poll, or check `store:` (a relative path is relative to the working directory).");
    }
    return open(abs, InstantSource.system(), true);
  }

  private static DuckDbHistoryStore open(Path file, InstantSource clock, boolean readOnly) {
    Path abs = file.toAbsolutePath();
    try {
      Files.createDirectories(abs.getParent());
    } catch (IOException e) {
      throw new HistoryException(
          "cannot create directory " + abs.getParent() + " for the history store: " + e + ". Check permissions or change `store:`.", e);
    }
    if (Files.exists(abs) && !(Files.isReadable(abs) && (readOnly || Files.isWritable(abs)))) {
      throw new HistoryException(
          "history store " + abs + " is not readable and writable by this user: fix its permissions (the agent needs read-write) or change `store:`.");
    }
    DuckDBConnection c;
    try {
      c = connect(abs, readOnly);
    } catch (SQLException e) {
      throw openError(abs, e);
    }
    try {
      return new DuckDbHistoryStore(abs, clock, c, readOnly);
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof HistoryException h) {
        throw h;
      }
      throw new HistoryException("cannot initialize history store " + abs + ": " + e.getMessage(), e);
    }
  }

  static HistoryException openError(Path file, SQLException e) {
    String msg = String.valueOf(e.getMessage());
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    // "Could not set lock on file": another process; "already attached" or "different configuration": this process.
    if (lower.contains("lock") || lower.contains("already attached") || lower.contains("different configuration")) {
      return new StoreInUseException(
          "history store " + file + " is in use by another process (DuckDB allows one read-write process per file): "
              + "stop the other Earlybird agent using it, or point `store:` at another file. DuckDB said: " + msg, e);
    }
    if (lower.contains("permission")) {
      return new HistoryException(
          "history store " + file + " cannot be opened: permission denied. Give the agent's user read-write access to the file and its directory. DuckDB said: " + msg, e);
    }
    if (lower.contains("not a valid duckdb") || lower.contains("corrupt") || lower.contains("checksum")
        || lower.contains("serializ") || lower.contains("version")) {
      return new HistoryException(
          "history store " + file + " is not a readable DuckDB database (corrupt, or written by an incompatible DuckDB): "
              + "move it (and its .wal) aside to start a new store. DuckDB said: " + msg, e);
    }
    return new HistoryException("cannot open history store " + file + ": " + msg, e);
  }

  public Path file() {
    return file;
  }

  /** Alerts, the outbox, morning reviews and silences, in this store. */
  public Alerting alerting() {
    return alerting;
  }

  /** The tuning advisor's plans and catalogs, in this store. */
  public AdvisorStore advisor() {
    return advisor;
  }

  // --- writes ---

  @Override
  public void recordPoll(PollRecord poll) {
    long started = System.nanoTime();
    write("record a poll of " + poll.target(), () -> {
      Snapshot next = poll.snapshot().orElse(null);
      // The first statement of the transaction (this SELECT or the UPDATE below) is also what makes the
      // Appenders join the transaction.
      SnapshotTable.Stored previous = committed.containsKey(poll.target())
          ? committed.get(poll.target())
          : SnapshotTable.load(writer, poll.target()).orElse(null);
      updateTargetStatus(poll, next);
      try (DuckDBAppender a = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "poll")) {
        a.beginRow().append(poll.target()).append(Columns.micros(poll.polledAt()));
        a.append(next == null ? 0 : next.entries().size()).append(poll.intervals().size());
        a.append(poll.error().orElse(null)).append(Columns.micros(clock.instant())).endRow();
      }
      appendIntervals(poll.intervals(), poll.ioTimed());
      Rollups.foldLate(writer, watermarks, poll.intervals(), poll.ioTimed());
      SnapshotTable.Stored stored = next == null ? previous : SnapshotTable.persist(writer, previous, next);
      beforePollCommit.run();
      writer.commit();
      health.succeeded(); // a poll always writes: its commit reached the disk
      if (stored != null) {
        committed.put(poll.target(), stored);
      }
    });
    lastWriteLatency = Duration.ofNanos(System.nanoTime() - started);
  }

  /** UPDATE, then INSERT if the target is new: cheaper than DuckDB's ON CONFLICT on every poll. */
  private void updateTargetStatus(PollRecord poll, Snapshot next) throws SQLException {
    // A failed poll keeps the statements count of the last good one.
    String sql = next != null
        ? "UPDATE target SET up = ?, last_poll_us = ?, last_error = ?, statements = ?,"
            + " first_poll_us = coalesce(first_poll_us, ?) WHERE name = ?"
        : "UPDATE target SET up = ?, last_poll_us = ?, last_error = ?, statements = statements + ? WHERE name = ?";
    int updated;
    try (PreparedStatement ps = writer.prepareStatement(sql)) {
      ps.setBoolean(1, next != null);
      ps.setLong(2, Columns.micros(poll.polledAt()));
      ps.setString(3, poll.error().orElse(null));
      ps.setLong(4, next != null ? next.entries().size() : 0);
      int i = 5;
      if (next != null) {
        ps.setLong(i++, Columns.micros(poll.polledAt()));
      }
      ps.setString(i, poll.target());
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement ps = writer.prepareStatement(
          "INSERT INTO target (up, last_poll_us, last_error, statements, name, first_poll_us)"
              + " VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setBoolean(1, next != null);
        ps.setLong(2, Columns.micros(poll.polledAt()));
        ps.setString(3, poll.error().orElse(null));
        ps.setLong(4, next != null ? next.entries().size() : 0);
        ps.setString(5, poll.target());
        SnapshotTable.setNullableLong(ps, 6, next != null ? Columns.micros(poll.polledAt()) : null);
        ps.executeUpdate();
      }
    }
  }

  private void appendIntervals(List<StatementInterval> intervals, boolean ioTimed) throws SQLException {
    if (intervals.isEmpty()) {
      return;
    }
    try (DuckDBAppender a = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "statement_interval")) {
      for (StatementInterval i : intervals) {
        var k = i.key();
        a.beginRow();
        a.append(k.target()).append(k.dbId()).append(k.userId()).append(k.queryId()).append(k.toplevel());
        a.append(Columns.micros(i.start())).append(Columns.micros(i.end()));
        Columns.appendMetrics(a, i, ioTimed);
        a.endRow();
      }
    }
  }

  @Override
  public void upsertTarget(TargetRecord t) {
    write("store target " + t.name(), () -> {
      int updated;
      try (PreparedStatement ps = writer.prepareStatement(
          """
          UPDATE target SET up = ?, last_poll_us = ?, server_version = ?, statements = ?, last_error = ?
          WHERE name = ?""")) {
        bindTarget(ps, t);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps = writer.prepareStatement(
            "INSERT INTO target (up, last_poll_us, server_version, statements, last_error, name) VALUES (?, ?, ?, ?, ?, ?)")) {
          bindTarget(ps, t);
          ps.executeUpdate();
        }
      }
      writer.commit();
    });
  }

  private static void bindTarget(PreparedStatement ps, TargetRecord t) throws SQLException {
    ps.setBoolean(1, t.up());
    SnapshotTable.setNullableLong(ps, 2, t.lastPollAt().map(Columns::micros).orElse(null));
    ps.setString(3, t.serverVersion());
    ps.setLong(4, t.statements());
    ps.setString(5, t.lastError().orElse(null));
    ps.setString(6, t.name());
  }

  @Override
  public void upsertDatabases(String target, List<DatabaseInfo> databases) {
    write("store databases of " + target, () -> {
      Map<Long, String> known = new HashMap<>();
      for (DatabaseInfo d : HistoryReads.databases(writer, target)) {
        known.put(d.oid(), d.name());
      }
      // Only new or renamed databases are written: upserts are slow in DuckDB and this runs every discovery.
      try (PreparedStatement ps = writer.prepareStatement(
          """
          INSERT INTO target_database (target, oid, name) VALUES (?, ?, ?)
          ON CONFLICT (target, oid) DO UPDATE SET name = excluded.name""")) {
        for (DatabaseInfo d : databases) {
          if (!d.name().equals(known.put(d.oid(), d.name()))) {
            ps.setString(1, target);
            ps.setLong(2, d.oid());
            ps.setString(3, d.name());
            ps.executeUpdate();
          }
        }
      }
      writer.commit();
    });
  }

  @Override
  public void saveTexts(List<StatementText> texts) {
    if (texts.isEmpty()) {
      return;
    }
    write("store query texts", () -> {
      Map<String, Set<TextKey>> known = new HashMap<>();
      List<StatementText> fresh = new ArrayList<>();
      for (StatementText t : texts) {
        Set<TextKey> keys = known.computeIfAbsent(t.target(), this::knownOnWriter);
        if (keys.add(new TextKey(t.dbId(), t.queryId()))) {
          fresh.add(t);
        }
      }
      if (!fresh.isEmpty()) {
        long now = Columns.micros(clock.instant());
        try (var s = writer.createStatement()) {
          s.execute("SELECT 1"); // start the transaction so the Appender joins it
        }
        try (DuckDBAppender a = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "statement_text")) {
          for (StatementText t : fresh) {
            a.beginRow().append(t.target()).append(t.dbId()).append(t.queryId()).append(t.text());
            a.append(t.truncated()).append(t.family()).append(now).endRow();
          }
        }
      }
      writer.commit();
    });
  }

  private Set<TextKey> knownOnWriter(String target) {
    try {
      return new HashSet<>(HistoryReads.knownTextKeys(writer, target));
    } catch (SQLException e) {
      throw new HistoryException("cannot read known texts of " + target + " from " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void maintain(Instant now, Retention retention) {
    write("roll up and apply retention", () -> {
      watermarks = Rollups.maintain(writer, watermarks, now, retention);
      // PI rows are per minute and many: kept as long as raw intervals.
      PiTables.purge(writer, Columns.micros(now.minus(retention.intervals())));
      // CloudWatch datapoints are per period already (a minute by default): kept as long as hourly rollups.
      CloudWatchTable.purge(writer, now.minus(retention.hourly()));
      Alerting.purge(writer, now, retention);
      // A plan or catalog not refreshed for that long belongs to a statement or database that is gone.
      AdvisorStore.purge(writer, now.minus(retention.daily()));
      writer.commit();
    });
    checkpoint();
  }

  /**
   * Outside any transaction: gives space freed by retention back to the file. On a full disk DuckDB fails it
   * fatally: its database is invalidated, and the store opens the file again.
   */
  void checkpoint() {
    write("checkpoint", () -> {
      writer.commit();
      writer.setAutoCommit(true);
      try (var s = writer.createStatement()) {
        s.execute("CHECKPOINT");
      } finally {
        writer.setAutoCommit(false);
      }
    });
  }

  @Override
  public boolean recordPiWindow(PiWindow window, List<PiShare> shares, Instant readAt) {
    java.util.concurrent.atomic.AtomicBoolean stored = new java.util.concurrent.atomic.AtomicBoolean();
    write("record the Performance Insights window of " + window.target(), () -> {
      stored.set(PiTables.record(writer, window, shares, readAt));
      writer.commit();
    });
    return stored.get();
  }

  @Override
  public Optional<Instant> lastPiWindowEnd(String target) {
    return read("the last PI window of " + target, c -> PiTables.lastWindowEnd(c, target));
  }

  @Override
  public List<StatementActivity> piJoinCandidates(
      String target, Period window, java.util.Collection<Long> queryIds, boolean withTexts) {
    return read("statements to join PI to", c -> PiTables.joinCandidates(c, target, window, queryIds, withTexts));
  }

  @Override
  public Map<StatementRef, Double> piCpu(Period window, java.util.Collection<StatementRef> statements) {
    return read("PI CPU of statements", c -> PiTables.cpu(c, window, statements));
  }

  @Override
  public Optional<PiStatementWaits> piWaits(StatementRef statement, Period window) {
    return read("PI waits of a statement", c -> PiTables.waits(c, statement, window));
  }

  @Override
  public List<PiOnlyRow> piOnly(Period window, Optional<String> target) {
    return read("PI-only statements", c -> PiTables.piOnly(c, window, target));
  }

  @Override
  public List<PiWindow.PiDatabaseLoad> piDatabases(String target, Period window) {
    return read("PI load per database of " + target, c -> PiTables.databases(c, target, window));
  }

  @Override
  public List<PiWindow.PiPoint> piTimeline(String target, Period window) {
    return read("the PI timeline of " + target, c -> PiTables.timeline(c, target, window));
  }

  @Override
  public void recordServerStart(String target, Instant startedAt) {
    write("record the server start of " + target, () -> {
      int updated;
      try (PreparedStatement ps = writer.prepareStatement("UPDATE target SET server_started_us = ? WHERE name = ?")) {
        ps.setLong(1, Columns.micros(startedAt));
        ps.setString(2, target);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps = writer.prepareStatement(
            "INSERT INTO target (name, up, statements, server_started_us) VALUES (?, false, 0, ?)")) {
          ps.setString(1, target);
          ps.setLong(2, Columns.micros(startedAt));
          ps.executeUpdate();
        }
      }
      writer.commit();
    });
  }

  @Override
  public void recordEvaluation(
      Instant windowEnd, List<Finding> changed, List<String> deletedIds, AlertWrites alerts) {
    write("record findings", () -> {
      FindingTable.record(writer, windowEnd, changed, deletedIds);
      AlertTables.record(writer, alerts);
      writer.commit();
    });
  }

  @Override
  public PinnedBaseline pinBaseline(String name, Optional<String> target, Instant from, Instant to) {
    Instant now = clock.instant();
    PinnedBaseline.validate(name, from, to, now);
    AtomicReference<PinnedBaseline> pinned = new AtomicReference<>();
    write("pin baseline " + name, () -> {
      pinned.set(PinnedBaselines.pin(writer, name, target, from, to, now));
      writer.commit();
    });
    return pinned.get();
  }

  @Override
  public void deleteBaseline(String name) {
    write("delete baseline " + name, () -> {
      if (!PinnedBaselines.delete(writer, name)) {
        throw BaselineException.notFound(name);
      }
      writer.commit();
    });
  }

  @Override
  public void recordCloudWatch(List<CloudWatchSample> samples) {
    if (samples.isEmpty()) {
      return;
    }
    write("store CloudWatch datapoints", () -> {
      CloudWatchTable.insert(writer, samples);
      writer.commit();
    });
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  /**
   * Runs one write transaction; a failure rolls it back, marks the store failing and throws {@link
   * StoreWriteException}. Only a poll's commit marks it writing again: other writes may have nothing to write (no
   * new database, no new text), and DuckDB commits an empty transaction without touching the disk.
   */
  private void write(String what, SqlWork work) {
    if (readOnly) {
      throw new HistoryException("cannot " + what + ": history store " + file + " is open read-only");
    }
    writeLock.lock();
    try {
      if (reopenNeeded) {
        reopen();
      }
      work.run();
    } catch (BaselineException e) {
      reset(); // a request refused (a name taken, say): the store itself is fine
      throw e;
    } catch (SQLException | RuntimeException e) {
      reset();
      String message = "cannot " + what + " in history store " + file + ": " + e.getMessage();
      health.failed(message);
      throw new StoreWriteException(message, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * After a failed write: drops the write connection with whatever transaction it had and takes a new one; reloads
   * the watermarks (a step of maintain may be committed and the next not) and forgets the cached snapshot state,
   * reloaded from what was committed. If the database instance is invalidated, opens the file again.
   */
  private void reset() {
    committed.clear();
    closeQuietly(writer);
    writer = null;
    if (!reopenNeeded) {
      try {
        writer = writerOf(root);
        watermarks = Rollups.load(writer); // also the probe: fails on an invalidated database
        writer.commit();
        return;
      } catch (SQLException e) {
        closeQuietly(writer);
        writer = null;
        reopenNeeded = true;
      }
    }
    try {
      reopen();
    } catch (SQLException e) {
      // still failing (the disk is still full, say): the next write tries again
    }
  }

  /** Closes the database instance and opens the file again; waits for the reads in flight. */
  private void reopen() throws SQLException {
    connections.writeLock().lock();
    try {
      closeQuietly(writer);
      writer = null;
      closeQuietly(root);
      root = connect(file, false);
      writer = writerOf(root);
      watermarks = Rollups.load(writer);
      writer.commit();
      committed.clear();
      reopenNeeded = false;
    } finally {
      connections.writeLock().unlock();
    }
  }

  // --- reads: a fresh duplicate() connection each, so they never wait for or disturb the writer ---

  interface SqlRead<T> {
    T run(Connection c) throws SQLException;
  }

  /** Package-private so tests can inspect tables through the same read path. */
  <T> T read(String what, SqlRead<T> work) {
    connections.readLock().lock();
    try (Connection c = root.duplicate()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new HistoryException("cannot read " + what + " from history store " + file + ": " + e.getMessage(), e);
    } finally {
      connections.readLock().unlock();
    }
  }

  @Override
  public Optional<Snapshot> lastSnapshot(String target) {
    return read("the last snapshot of " + target, c -> SnapshotTable.load(c, target).map(SnapshotTable.Stored::snapshot));
  }

  @Override
  public Set<TextKey> knownTextKeys(String target) {
    return read("known texts of " + target, c -> HistoryReads.knownTextKeys(c, target));
  }

  @Override
  public Optional<StatementText> text(String target, long dbId, long queryId) {
    return read("a query text", c -> HistoryReads.text(c, target, dbId, queryId));
  }

  @Override
  public List<TargetRecord> targets() {
    return read("targets", HistoryReads::targets);
  }

  @Override
  public List<DatabaseInfo> databases(String target) {
    return read("databases of " + target, c -> HistoryReads.databases(c, target));
  }

  @Override
  public List<HotQueryRow> hotQueries(HotQueryFilter filter) {
    return read("hot queries", c -> HistoryReads.hotQueries(c, filter));
  }

  @Override
  public HotRanking hotRanking(HotQueryFilter filter, Optional<java.util.function.Predicate<String>> databases) {
    return read("the hot list", c -> HistoryReads.hotRanking(c, filter, databases));
  }

  @Override
  public List<PinnedBaseline> baselines() {
    return read("pinned baselines", PinnedBaselines::list);
  }

  @Override
  public Optional<PinnedBaseline> baseline(String name) {
    return read("pinned baseline " + name, c -> PinnedBaselines.get(c, name));
  }

  @Override
  public List<HotQueryRow> baselineStatements(String name) {
    return read("statements of pinned baseline " + name, c -> PinnedBaselines.statements(c, name));
  }

  @Override
  public List<SeriesPoint> querySeries(String target, long dbId, long queryId, Instant from, Instant to) {
    return read("a query series", c -> HistoryReads.querySeries(c, target, dbId, queryId, from, to));
  }

  @Override
  public List<CloudWatchSample> cloudWatchSeries(
      String target, CloudWatchScope scope, CloudWatchMetric metric, Instant from, Instant to) {
    return read("CloudWatch " + metric.awsName() + " of " + target,
        c -> CloudWatchTable.series(c, target, scope, metric, from, to));
  }

  @Override
  public Map<String, Instant> lastCloudWatchSamples(CloudWatchScope scope) {
    return read("the last CloudWatch datapoints", c -> CloudWatchTable.latest(c, scope));
  }

  @Override
  public OptionalLong analysisWatermark() {
    return read("the analysis watermark", FindingTable::watermark);
  }

  @Override
  public List<Finding> openFindings() {
    return read("open findings", FindingTable::open);
  }

  @Override
  public List<FindingRow> findings(FindingFilter filter) {
    return read("findings", c -> FindingTable.find(c, filter));
  }

  @Override
  public Map<String, Map<Severity, Long>> activeFindingCounts() {
    return read("active findings per target", FindingTable::activeCounts);
  }

  @Override
  public Map<String, TargetCpu> targetCpu(Instant from, Instant to) {
    return read("CPU per target", c -> FleetReads.targetCpu(c, from, to));
  }

  @Override
  public Set<String> polledTargets(Period period) {
    return read("polled targets", c -> {
      try (var ps = c.prepareStatement(
          "SELECT DISTINCT target FROM poll WHERE error IS NULL AND taken_at_us > ? AND taken_at_us <= ?")) {
        ps.setLong(1, Columns.micros(period.from()));
        ps.setLong(2, Columns.micros(period.to()));
        Set<String> out = new HashSet<>();
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Map<String, Instant> firstPolls() {
    return targetInstants("first_poll_us");
  }

  @Override
  public Map<String, Instant> lastGoodPolls() {
    return read("last good polls", c -> {
      Map<String, Instant> out = new HashMap<>();
      try (var s = c.createStatement(); var rs = s.executeQuery("SELECT target, taken_at_us FROM last_snapshot")) {
        while (rs.next()) {
          out.put(rs.getString(1), Columns.instant(rs.getLong(2)));
        }
      }
      return out;
    });
  }

  @Override
  public Map<String, Instant> serverStarts() {
    return targetInstants("server_started_us");
  }

  /** A per-target instant column of the target table (a fixed column name, never user input). */
  private Map<String, Instant> targetInstants(String column) {
    return read(column + " of targets", c -> {
      Map<String, Instant> out = new HashMap<>();
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT name, " + column + " FROM target WHERE " + column + " IS NOT NULL")) {
        while (rs.next()) {
          out.put(rs.getString(1), Columns.instant(rs.getLong(2)));
        }
      }
      return out;
    });
  }

  @Override
  public List<StatementComparison> compare(
      Period window, List<Period> baseline, Map<String, Set<Long>> scope, CandidateFilter filter) {
    return read("a window and its baseline", c -> Comparisons.compare(c, window, baseline, scope, filter));
  }

  @Override
  public FamilyReads families() {
    return families;
  }

  @Override
  public List<OutlierRow> outliers(Period window, OutlierFilter filter) {
    return read("family outliers", c -> Comparisons.outliers(c, window, filter));
  }

  @Override
  public Map<StatementRef, Usage> usage(List<Period> periods, List<StatementRef> statements) {
    return read("baseline usage", c -> Comparisons.usage(c, periods, statements));
  }

  @Override
  public List<Map<StatementRef, CallTime>> callTimes(List<CallTime.Read> reads) {
    return read("baseline call times", c -> Comparisons.callTimes(c, reads));
  }

  @Override
  public PeriodSums periodSums(String target, List<Period> periods) {
    return read("sums per period of " + target, c -> PeriodReads.read(c, target, periods));
  }

  @Override
  public long fileSizeBytes() {
    long size = 0;
    for (Path p : List.of(file, file.resolveSibling(file.getFileName() + ".wal"))) {
      try {
        size += Files.exists(p) ? Files.size(p) : 0;
      } catch (IOException e) {
        // a file that vanished between exists() and size() counts as empty
      }
    }
    return size;
  }

  @Override
  public StoreStats stats() {
    long fileSize = fileSizeBytes();
    return read("store statistics", c -> {
      try (var s = c.createStatement();
          var rs = s.executeQuery(
              """
              SELECT (SELECT count(*) FROM statement_interval), (SELECT count(*) FROM statement_hourly),
                     (SELECT count(*) FROM statement_daily)""")) {
        rs.next();
        return new StoreStats(fileSize, rs.getLong(1), rs.getLong(2), rs.getLong(3), lastWriteLatency);
      }
    });
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      closeQuietly(writer); // drops an uncommitted transaction, if any
      writer = null;
      root.close();
    } catch (SQLException e) {
      throw new HistoryException("cannot close history store " + file + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }
}
