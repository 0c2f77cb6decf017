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
import java.sql.Connection;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The history store's SQL and transactions over a {@link StoreEngine}: DuckDB's embedded file or a PostgreSQL
 * database. Writes run on the engine's one write connection under a lock, each in one transaction; reads run on
 * connections of their own and see one committed state each.
 *
 * <p>A failed write (a full disk, a lost server) is rolled back and its connection dropped, never reused, and what this
 * class caches of committed state (the last snapshots, the rollup watermarks) is forgotten and read again from the
 * store at the next write. {@link #health()} tells whether the store writes.
 */
public final class JdbcHistoryStore implements HistoryStore {
  private final StoreEngine engine;
  private final InstantSource clock;
  /** Guards the write connection: writes are meant to come from one thread, this makes misuse safe. */
  private final ReentrantLock writeLock = new ReentrantLock();
  private final StoreHealth health;
  /** Last committed snapshot state per target, so a poll writes only the entries that changed. */
  private final Map<String, SnapshotTable.Stored> committed = new HashMap<>();
  /** The rollup watermarks as committed; null after a failed write until the next write reads them again. */
  private Rollups.Watermarks watermarks;
  private volatile Duration lastWriteLatency = Duration.ZERO;
  /** Test hook: runs just before a poll's commit (to prove a failure there leaves nothing behind). */
  Runnable beforePollCommit = () -> {};
  /** The seam the alerting tables write and read through: this store's transactions. */
  final Transactions transactions = new Transactions() {
    @Override
    public void write(String what, Transactions.Work work) {
      JdbcHistoryStore.this.write(what, writer -> {
        work.run(writer);
        writer.commit();
      });
    }

    @Override
    public <T> T read(String what, SqlRead<T> read) {
      return JdbcHistoryStore.this.read(what, read);
    }
  };
  private final Alerting alerting = Alerting.over(transactions);
  private final AdvisorStore advisor = new JdbcAdvisorStore(transactions);
  private final FamilyReads families = new FamilyReads(transactions);

  /** Brings the store's schema to this build's (or, read-only, requires it) and reads the watermarks. */
  JdbcHistoryStore(StoreEngine engine, InstantSource clock) throws SQLException {
    this.engine = engine;
    this.clock = clock;
    this.health = new StoreHealth(clock);
    if (engine.readOnly()) {
      // A read-only store cannot migrate: it reads only stores the agent brought to this build's schema.
      engine.read(c -> {
        SchemaMigrator.requireCurrent(c, engine.where());
        return null;
      });
      return;
    }
    Connection writer = engine.writer();
    engine.lockSchema(writer);
    try {
      SchemaMigrator.migrate(writer, engine.where());
    } finally {
      engine.unlockSchema(writer);
    }
    this.watermarks = Rollups.load(writer);
    writer.commit();
  }

  /**
   * The store over a newly opened engine, which is closed again when the store cannot start on it (a schema from a
   * newer build, a server that refuses): a {@link HistoryException} as it came, or {@code failure} of the cause's
   * message.
   */
  static JdbcHistoryStore start(StoreEngine engine, InstantSource clock, UnaryOperator<String> failure) {
    try {
      return new JdbcHistoryStore(engine, clock);
    } catch (SQLException | RuntimeException e) {
      try {
        engine.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof HistoryException h) {
        throw h;
      }
      throw new HistoryException(failure.apply(e.getMessage()), e);
    }
  }

  /** Whether the store writes; a failed write marks it failing until a write works again. */
  @Override
  public StoreHealth health() {
    return health;
  }

  /** How messages name the store: its file, or its URL without credentials. */
  public String where() {
    return engine.where();
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
    write("record a poll of " + poll.target(), writer -> {
      Snapshot next = poll.snapshot().orElse(null);
      engine.holdRollups(writer, false); // a rollup must not run between this poll's read of the watermarks and commit
      if (engine.shared()) {
        checkBasis(writer, poll);
      }
      // The first statement of the transaction (this SELECT or the UPDATE below) is also what makes the
      // Appenders join the transaction.
      SnapshotTable.Stored previous = committed.containsKey(poll.target())
          ? committed.get(poll.target())
          : SnapshotTable.load(writer, poll.target()).orElse(null);
      updateTargetStatus(writer, poll, next);
      try (BulkRows a = BulkRows.into(writer, "poll")) {
        a.add(poll.target()).add(Columns.micros(poll.polledAt()));
        a.add(next == null ? 0 : next.entries().size()).add(poll.intervals().size());
        a.add(poll.error().orElse(null)).add(Columns.micros(clock.instant()));
        a.endRow();
      }
      appendIntervals(writer, poll.intervals(), poll.ioTimed());
      Rollups.foldLate(writer, watermarks(writer), poll.intervals(), poll.ioTimed());
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

  /**
   * On a shared store: refuses the poll unless the target's stored snapshot is still the one it diffed from, and forgets
   * the cached snapshot state if another replica wrote since this one did. The row stays locked until commit, so a
   * replica writing the same target at the same moment waits and then sees this poll's snapshot.
   */
  private void checkBasis(Connection writer, PollRecord poll) throws SQLException {
    Long storedAt = null;
    long version = -1;
    try (PreparedStatement ps =
        writer.prepareStatement("SELECT taken_at_us, version FROM last_snapshot WHERE target = ? FOR UPDATE")) {
      ps.setString(1, poll.target());
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          storedAt = rs.getLong(1);
          version = rs.getLong(2);
        }
      }
    }
    SnapshotTable.Stored cached = committed.get(poll.target());
    if (cached != null && cached.version() != version) {
      committed.remove(poll.target());
    }
    if (poll.basis().isPresent() && (storedAt == null || storedAt != Columns.micros(poll.basis().get()))) {
      throw new SnapshotMovedException("target " + poll.target() + " was polled by another Earlybird replica since "
          + "its previous poll here; this poll is not stored, and the next continues from the stored snapshot");
    }
  }

  /** UPDATE, then INSERT if the target is new: cheaper than DuckDB's ON CONFLICT on every poll. */
  private static void updateTargetStatus(Connection writer, PollRecord poll, Snapshot next) throws SQLException {
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

  private static void appendIntervals(Connection writer, List<StatementInterval> intervals, boolean ioTimed)
      throws SQLException {
    if (intervals.isEmpty()) {
      return;
    }
    try (BulkRows a = BulkRows.into(writer, "statement_interval")) {
      for (StatementInterval i : intervals) {
        var k = i.key();
        a.add(k.target()).add(k.dbId()).add(k.userId()).add(k.queryId()).add(k.toplevel());
        a.add(Columns.micros(i.start())).add(Columns.micros(i.end()));
        Columns.appendMetrics(a, i, ioTimed);
        a.endRow();
      }
    }
  }

  @Override
  public void upsertTarget(TargetRecord t) {
    write("store target " + t.name(), writer -> {
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
    write("store databases of " + target, writer -> {
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
    write("store query texts", writer -> {
      Map<String, Set<TextKey>> known = new HashMap<>();
      List<StatementText> fresh = new ArrayList<>();
      for (StatementText t : texts) {
        Set<TextKey> keys = known.computeIfAbsent(t.target(), target -> knownOnWriter(writer, target));
        if (keys.add(new TextKey(t.dbId(), t.queryId()))) {
          fresh.add(t);
        }
      }
      if (!fresh.isEmpty()) {
        long now = Columns.micros(clock.instant());
        try (var s = writer.createStatement()) {
          s.execute("SELECT 1"); // start the transaction so DuckDB's Appender joins it
        }
        try (BulkRows a = BulkRows.into(writer, "statement_text")) {
          for (StatementText t : fresh) {
            a.add(t.target()).add(t.dbId()).add(t.queryId()).add(t.text());
            a.add(t.truncated()).add(t.family()).add(now);
            a.endRow();
          }
        }
      }
      writer.commit();
    });
  }

  private Set<TextKey> knownOnWriter(Connection writer, String target) {
    try {
      return new HashSet<>(HistoryReads.knownTextKeys(writer, target));
    } catch (SQLException e) {
      throw new HistoryException(
          "cannot read known texts of " + target + " from " + engine.where() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void maintain(Instant now, Retention retention) {
    boolean[] ran = {false};
    write("roll up and apply retention", writer -> {
      if (!engine.beginMaintenance(writer)) {
        return; // another agent sharing the store is running it
      }
      ran[0] = true;
      maintainHeld(writer, now, retention);
      engine.endMaintenance(writer); // a failure instead drops the session, and the lock with it
    });
    if (ran[0]) {
      checkpoint();
    }
  }

  private void maintainHeld(Connection writer, Instant now, Retention retention) throws SQLException {
    watermarks = Rollups.maintain(writer, engine, watermarks(writer), now, retention);
    // PI rows are per minute and many: kept as long as raw intervals.
    PiTables.purge(writer, Columns.micros(now.minus(retention.intervals())));
    // CloudWatch datapoints are per period already (a minute by default): kept as long as hourly rollups.
    CloudWatchTable.purge(writer, now.minus(retention.hourly()));
    Alerting.purge(writer, now, retention);
    // A plan or catalog not refreshed for that long belongs to a statement or database that is gone.
    AdvisorStore.purge(writer, now.minus(retention.daily()));
    writer.commit();
  }

  /**
   * Outside any transaction: gives space freed by retention back. On a full disk DuckDB fails it fatally: its
   * database is invalidated, and the engine opens the file again.
   */
  void checkpoint() {
    write("checkpoint", engine::compact);
  }

  @Override
  public boolean recordPiWindow(PiWindow window, List<PiShare> shares, Instant readAt) {
    java.util.concurrent.atomic.AtomicBoolean stored = new java.util.concurrent.atomic.AtomicBoolean();
    write("record the Performance Insights window of " + window.target(), writer -> {
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
  public void recordServerStart(String target, Instant startedAt, String version) {
    write("record the server start of " + target, writer -> {
      int updated;
      try (PreparedStatement ps = writer.prepareStatement(
          "UPDATE target SET server_started_us = ?, server_version = ? WHERE name = ?")) {
        ps.setLong(1, Columns.micros(startedAt));
        ps.setString(2, version);
        ps.setString(3, target);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps = writer.prepareStatement(
            "INSERT INTO target (name, up, statements, server_started_us, server_version) VALUES (?, false, 0, ?, ?)")) {
          ps.setString(1, target);
          ps.setLong(2, Columns.micros(startedAt));
          ps.setString(3, version);
          ps.executeUpdate();
        }
      }
      writer.commit();
    });
  }

  @Override
  public void recordEvaluation(
      Instant windowEnd, List<Finding> changed, List<String> deletedIds, AlertWrites alerts) {
    write("record findings", writer -> {
      if (engine.shared()) {
        OptionalLong done = FindingTable.watermarkForUpdate(writer);
        if (done.isPresent() && done.getAsLong() >= Columns.micros(windowEnd)) {
          throw new WindowEvaluatedException("the analysis window ending " + windowEnd + " was evaluated by another "
              + "Earlybird replica; its findings stand, and this replica goes on from the stored watermark");
        }
      }
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
    write("pin baseline " + name, writer -> {
      pinned.set(PinnedBaselines.pin(writer, name, target, from, to, now));
      writer.commit();
    });
    return pinned.get();
  }

  @Override
  public void deleteBaseline(String name) {
    write("delete baseline " + name, writer -> {
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
    write("store CloudWatch datapoints", writer -> {
      CloudWatchTable.insert(writer, samples);
      writer.commit();
    });
  }

  @Override
  public Set<Integer> claimShards() {
    List<Set<Integer>> held = new ArrayList<>(1);
    write("claim this agent's shards", writer -> held.add(engine.claimShards(writer)));
    return held.get(0);
  }

  @Override
  public Map<Integer, String> shardOwners() {
    return read("who holds each shard", engine::shardOwners);
  }

  private interface SqlWork {
    void run(Connection writer) throws SQLException;
  }

  /** The watermarks as committed: read again after a failed write forgot them. */
  private Rollups.Watermarks watermarks(Connection writer) throws SQLException {
    if (watermarks == null || engine.shared()) { // another replica may have rolled up since
      watermarks = Rollups.load(writer);
    }
    return watermarks;
  }

  /**
   * Runs one write transaction; a failure rolls it back, marks the store failing and throws {@link
   * StoreWriteException}. Only a poll's commit marks it writing again: other writes may have nothing to write (no
   * new database, no new text), and DuckDB commits an empty transaction without touching the disk.
   */
  private void write(String what, SqlWork work) {
    if (engine.readOnly()) {
      throw new HistoryException("cannot " + what + ": history store " + engine.where() + " is open read-only");
    }
    writeLock.lock();
    try {
      work.run(engine.writer());
    } catch (BaselineException | SnapshotMovedException | WindowEvaluatedException e) {
      // A request refused (a name taken, a poll another replica overtook): the store itself is fine, and the
      // connection keeps its session (and with it the replica's locks).
      committed.clear();
      watermarks = null;
      engine.rollbackWriter();
      throw e;
    } catch (SQLException | RuntimeException e) {
      reset();
      String message = "cannot " + what + " in history store " + engine.where() + ": " + e.getMessage();
      health.failed(message);
      throw new StoreWriteException(message, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * After a failed write: drops the write connection with whatever transaction it had, and forgets the cached
   * snapshot state and watermarks (a step of maintain may be committed and the next not), read again from what was
   * committed at the next write.
   */
  private void reset() {
    committed.clear();
    watermarks = null;
    engine.discardWriter();
  }

  // --- reads: a connection each, so they never wait for or disturb the writer ---

  interface SqlRead<T> {
    T run(Connection c) throws SQLException;
  }

  /** Package-private so tests can inspect tables through the same read path. */
  <T> T read(String what, SqlRead<T> work) {
    try {
      return engine.read(work);
    } catch (SQLException e) {
      throw new HistoryException(
          "cannot read " + what + " from history store " + engine.where() + ": " + e.getMessage(), e);
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
    return engine.sizeBytes();
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
      engine.close();
    } catch (SQLException e) {
      throw new HistoryException("cannot close history store " + engine.where() + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }
}
