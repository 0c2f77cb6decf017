package dev.earlybird.schedule;

import dev.earlybird.analysis.CpuAttribution;
import dev.earlybird.config.Durations;
import dev.earlybird.config.PollConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.SnapshotMovedException;
import dev.earlybird.history.StoreWriteException;
import dev.earlybird.history.TextKey;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.metrics.StatementSeries;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.TargetStatus;
import dev.earlybird.source.Continuity;
import dev.earlybird.source.DiffResult;
import dev.earlybird.source.HiddenDiff;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.StatementDiff;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one target: read {@code pg_stat_statements(false)}, diff against the previous snapshot, write the
 * intervals (and the new snapshot, atomically) to the store, publish metrics and status. Not thread-safe:
 * the {@link PollLoop} guarantees one poll in flight per target.
 *
 * <p>After a restart the previous snapshot is the one persisted with the last committed poll, so no interval
 * is lost or counted twice. Query texts, the expensive read, are fetched only for statements whose text the
 * store lacks, and at most every {@code poll.textRefresh}.
 */
public final class TargetPoller {
  private static final Logger log = LoggerFactory.getLogger(TargetPoller.class);
  static final String SOURCE = "pg_stat_statements";

  private final TargetConfig target;
  /** Read at each use: a reload may change them while the poller (and its connection) stays. */
  private final Supplier<PollConfig> poll;
  private final Supplier<TenantsConfig> tenants;
  private final Function<TargetConfig, PgStatStatementsSource> connector;
  private final HistoryStore store;
  private final HistoryWriter writer;
  private final AgentMetrics metrics;
  private final FleetState fleet;
  private final InstantSource clock;
  private final Backoff backoff;
  /** Whether this agent polls the target now (it holds its shard); read at each tick. */
  private final Predicate<String> owned;
  /** Not polled here at the moment: another replica holds the target's shard. */
  private boolean standingBy;
  /** Whether any tick ran yet: at start, a target of another replica's shard is left to it without a word. */
  private boolean ticked;

  private PgStatStatementsSource source;
  private ServerInfo server;
  private Map<Long, String> databaseNames = Map.of();
  private Instant databasesReadAt = Instant.MIN;
  private Snapshot previous;
  private boolean restored;
  private Set<TextKey> storedTexts;
  private final Map<TextKey, StatementKey> pendingTexts = new HashMap<>();
  private Instant textsReadAt = Instant.MIN;
  private Instant lastSuccessAt;
  private ErrorReason lastReason;
  /** The server facts of the previous successful poll: a new server behind the same name is noticed. */
  private ServerInfo previousServer;
  /** {@link System#nanoTime()} of the previous snapshot's read; unknown (-1) after a restore from the store. */
  private long previousReadNanos = -1;
  private HiddenEntries previousHidden;
  /** Whether the server's clock is behind its earlier reads (logged once per episode). */
  private boolean clockBehind;
  /** When evictions were last logged: at most once an hour, however many polls see them. */
  private Instant evictionsLoggedAt = Instant.MIN;
  private String lastConnected;

  /**
   * @param poll read at each use, as {@code tenants} is, so a config reload changes them without a new poller (a new
   *     connection); the timeouts are the connection's and change with a new poller
   */
  public TargetPoller(
      TargetConfig target,
      Supplier<PollConfig> poll,
      Supplier<TenantsConfig> tenants,
      Function<TargetConfig, PgStatStatementsSource> connector,
      HistoryStore store,
      HistoryWriter writer,
      AgentMetrics metrics,
      FleetState fleet,
      InstantSource clock,
      Backoff backoff) {
    this(target, poll, tenants, connector, store, writer, metrics, fleet, clock, backoff, name -> true);
  }

  /**
   * @param owned whether this agent polls a target now: replicas sharing a store poll only the targets of the shards
   *     they hold, and the others' pollers stand by
   */
  public TargetPoller(
      TargetConfig target,
      Supplier<PollConfig> poll,
      Supplier<TenantsConfig> tenants,
      Function<TargetConfig, PgStatStatementsSource> connector,
      HistoryStore store,
      HistoryWriter writer,
      AgentMetrics metrics,
      FleetState fleet,
      InstantSource clock,
      Backoff backoff,
      Predicate<String> owned) {
    this.owned = owned;
    this.target = target;
    this.poll = poll;
    this.tenants = tenants;
    this.connector = connector;
    this.store = store;
    this.writer = writer;
    this.metrics = metrics;
    this.fleet = fleet;
    this.clock = clock;
    this.backoff = backoff;
    registerMetrics();
  }

  private void registerMetrics() {
    List<String> reasons = Arrays.stream(ErrorReason.values()).map(ErrorReason::label).toList();
    metrics.registerTarget(target.name(), SOURCE, reasons);
    // The AWS sources of a linked target count their errors under the same reasons, from 0 too.
    target.aws().ifPresent(aws -> {
      aws.dbiResourceId().ifPresent(id -> metrics.registerTarget(target.name(), "performance_insights", reasons));
      aws.dbInstanceIdentifier().ifPresent(id -> metrics.registerTarget(target.name(), "cloudwatch", reasons));
    });
  }

  /**
   * Whether this agent polls the target at this tick. A target whose shard another replica holds is left to it: the
   * connection is closed and its series go (the owner exports them). When the shard comes back, the poller reads the
   * stored snapshot again before its next diff, since the other replica stored polls meanwhile.
   */
  private boolean ownedNow() {
    boolean mine = owned.test(target.name());
    boolean first = !ticked;
    ticked = true;
    // One line per target at debug: a shard taken over or given back is logged once, for all its targets.
    if (!mine && !standingBy) {
      standingBy = true;
      closeSource();
      restored = false;
      metrics.removePolling(target.name());
      if (!first) {
        log.debug("target {}: left to the replica that holds its shard now", target.name());
      }
    } else if (mine && standingBy) {
      standingBy = false;
      registerMetrics();
      log.debug("target {}: polled here now, from its stored snapshot", target.name());
    }
    return mine;
  }

  public String targetName() {
    return target.name();
  }

  /** One poll; never throws for a database's failure (it is counted, logged once per change, and retried). */
  public void pollOnce() {
    Instant started = clock.instant();
    if (!ownedNow() || !backoff.mayTry(started)) {
      return;
    }
    try {
      Polled polled = read(started);
      success(polled, Duration.between(started, clock.instant()));
    } catch (SourceException e) {
      failure(e.reason(), e.getMessage(), started);
    } catch (StoreFailure e) {
      notStored(e, started);
    } catch (RuntimeException e) {
      // A bug or a value we did not expect: never let it kill the loop or other targets.
      log.error("target {}: unexpected error during poll", target.name(), e);
      failure(ErrorReason.OTHER, e.getClass().getSimpleName() + ": " + e.getMessage(), started);
    }
  }

  /**
   * Reads the server's settings again on a long-lived connection: {@code track_io_timing} is turned on with a
   * reload (an RDS parameter group change needs no restart), and CPU attribution, its metric and its alert must
   * follow without waiting for a reconnect.
   */
  private void rereadSettings() throws SourceException {
    boolean wasTiming = server.trackIoTiming();
    server = source.serverInfo();
    if (server.trackIoTiming() != wasTiming) {
      log.info("target {}: track_io_timing is now {}", target.name(), server.trackIoTiming() ? "on" : "off");
    }
  }

  /** What one successful poll read and found. */
  private record Polled(Snapshot snapshot, DiffResult diff, HiddenEntries hidden) {}

  private Polled read(Instant now) throws SourceException {
    if (source == null) {
      source = connector.apply(target);
      server = source.serverInfo();
      databasesReadAt = Instant.MIN;
      Instant startedAt = server.startedAt();
      String version = server.version();
      submit(s -> s.recordServerStart(target.name(), startedAt, version));
      String connected = "connected, PostgreSQL " + server.version() + ", pg_stat_statements " + server.pgssVersion()
          + (source.joinsKcache()
              ? ", pg_stat_kcache " + server.kcache().version() + " (CPU measured per statement)"
              : "")
          + (server.trackIoTiming() ? "" : ", track_io_timing off (CPU falls back to exec time)");
      // Said once, and again only when it changes: a target failing after each reconnect must not read as healthy.
      if (!connected.equals(lastConnected)) {
        log.info("target {}: {}", target.name(), connected);
        lastConnected = connected;
      } else {
        log.debug("target {}: {}", target.name(), connected);
      }
    }
    if (Duration.between(databasesReadAt, now).compareTo(poll.get().textRefresh()) >= 0) {
      if (!databasesReadAt.equals(Instant.MIN)) {
        rereadSettings();
      }
      refreshDatabases(now);
    }
    long readNanos = System.nanoTime();
    Snapshot next = source.snapshot();
    HiddenEntries hidden = source.hidden();
    if (!restored) {
      restore();
    }
    Snapshot base = previous;
    HiddenEntries hiddenBase = previousHidden;
    switch (Continuity.of(previousServer, server, previous, next,
        previousReadNanos < 0 ? OptionalLong.empty() : OptionalLong.of(readNanos - previousReadNanos))) {
      case Continuity.Continuous c -> clockCaughtUp();
      case Continuity.Retimed r -> {
        next = r.next();
        clockWentBack(r.behind(), "intervals are timed by the agent's clock until the server's catches up");
      }
      case Continuity.Untimed u -> {
        base = null;
        hiddenBase = null;
        clockWentBack(u.behind(), "the agent restarted meanwhile, so this poll starts afresh: calls since the previous "
            + "stored poll are not counted");
      }
      case Continuity.NewServer n -> {
        base = null;
        hiddenBase = null;
        metrics.serverChanged(target.name());
        log.warn("target {}: now answered by another server ({}): its counters start afresh from this poll and "
            + "nothing is counted across the switch", target.name(), n.why());
      }
    }
    DiffResult diff = HiddenDiff.withoutRevealed(StatementDiff.between(base, next), hiddenBase);
    if (diff.badValues() > 0) {
      log.warn("target {}: skipped {} entries with NaN, infinite or negative counters", target.name(), diff.badValues());
    }
    if (next.entries().keySet().stream().anyMatch(k -> !databaseNames.containsKey(k.dbId()))) {
      refreshDatabases(now);
    }
    for (StatementKey k : diff.newKeys()) {
      TextKey t = new TextKey(k.dbId(), k.queryId());
      if (!storedTexts.contains(t)) {
        pendingTexts.putIfAbsent(t, k);
      }
    }
    List<StatementText> texts = List.of();
    if (!pendingTexts.isEmpty() && Duration.between(textsReadAt, now).compareTo(poll.get().textRefresh()) >= 0) {
      textsReadAt = now;
      try {
        texts = source.texts(List.copyOf(pendingTexts.values()), poll.get().textMaxLength(), poll.get().queryText());
        metrics.textsFetched(target.name(), texts.size());
        // Texts that vanished before we read them are not retried: the entry is gone.
        pendingTexts.clear();
        texts.forEach(t -> storedTexts.add(new TextKey(t.dbId(), t.queryId())));
      } catch (SourceException e) {
        // Texts are a label, counters are the data: one unreadable text must not take the target down. The
        // pending keys stay pending and are tried again after textRefresh.
        log.warn("target {}: query texts not read, retried in {}: {}", target.name(),
            Durations.format(poll.get().textRefresh()), e.getMessage());
      }
    }
    write(next, diff, texts, base);
    publish(diff);
    HiddenEntries.Totals hiddenWork = HiddenDiff.between(hiddenBase, hidden);
    metrics.hiddenEntries(target.name(), hidden.entries(), hiddenWork.calls(), hiddenWork.execMs() / 1000.0);
    previous = next;
    previousServer = server;
    previousReadNanos = readNanos;
    previousHidden = hidden;
    return new Polled(next, diff, hidden);
  }

  private void clockWentBack(Duration behind, String consequence) {
    metrics.clockWentBack(target.name());
    if (!clockBehind) {
      clockBehind = true;
      log.warn("target {}: the server's clock is {} behind its previous read; {}", target.name(),
          Durations.format(behind), consequence);
    }
  }

  private void clockCaughtUp() {
    if (clockBehind) {
      clockBehind = false;
      log.info("target {}: the server's clock is past its earlier reads again", target.name());
    }
  }

  /** Reads the last committed snapshot and the stored text keys, ordered after any pending write. */
  private void restore() {
    Set<TextKey> texts = new HashSet<>();
    Snapshot[] last = new Snapshot[1];
    submit(
        s -> {
          last[0] = s.lastSnapshot(target.name()).orElse(null);
          texts.addAll(s.knownTextKeys(target.name()));
        });
    previous = last[0];
    previousReadNanos = -1; // the stored snapshot may be older than the last read: its read time is unknown
    storedTexts = texts;
    restored = true;
  }

  private void refreshDatabases(Instant now) throws SourceException {
    List<DatabaseInfo> dbs = source.databases(target.databases()::accepts);
    Map<Long, String> names = new HashMap<>();
    dbs.forEach(d -> names.put(d.oid(), d.name()));
    databaseNames = Map.copyOf(names);
    databasesReadAt = now;
    List<DatabaseInfo> copy = List.copyOf(dbs);
    submit(s -> s.upsertDatabases(target.name(), copy));
    metrics.retainDatabases(target.name(), Set.copyOf(names.values()));
  }

  /** @param base the snapshot the intervals were diffed from; null when the poll started afresh */
  private void write(Snapshot next, DiffResult diff, List<StatementText> texts, Snapshot base) {
    long t0 = System.nanoTime();
    PollRecord record =
        PollRecord.success(next, diff.intervals(), server.trackIoTiming(), base == null ? null : base.takenAt());
    submit(
        s -> {
          if (!texts.isEmpty()) {
            s.saveTexts(texts);
          }
          s.recordPoll(record);
        });
    metrics.storeWrite(Duration.ofNanos(System.nanoTime() - t0), store.fileSizeBytes());
  }

  private void submit(java.util.function.Consumer<HistoryStore> write) {
    try {
      writer.submit(write).get(poll.get().interval().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new StoreFailure(e.getCause());
    } catch (TimeoutException e) {
      throw new StoreFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreFailure(e);
    }
  }

  private void publish(DiffResult diff) {
    Map<String, double[]> perDb = new HashMap<>();
    Map<String, Map<String, Double>> cpuBySource = new HashMap<>();
    boolean io = server.trackIoTiming();
    boolean perStatement = metrics.statementSeriesEnabled();
    List<StatementSeries.Activity> statements = new ArrayList<>();
    for (var i : diff.intervals()) {
      if (!i.key().toplevel()) {
        continue; // nested statements' time is already inside their top-level caller's
      }
      String db = databaseNames.get(i.key().dbId());
      if (db == null) {
        continue;
      }
      double[] a = perDb.computeIfAbsent(db, d -> new double[5]);
      a[0] += i.calls();
      a[1] += i.execMs() / 1000.0;
      CpuAttribution.Cpu cpu = CpuAttribution.of(i, io); // each statement's best figure, summed by its layer
      cpuBySource.computeIfAbsent(db, d -> new HashMap<>()).merge(cpu.source().label(), cpu.ms() / 1000.0,
          Double::sum);
      a[3] += i.counters().rows();
      a[4] += i.counters().tempBlksWritten() * 8192.0;
      if (perStatement) {
        statements.add(new StatementSeries.Activity(
            new StatementSeries.Key(target.name(), db, tenants.get().tenantOf(db), i.key().queryId()),
            i.calls(), i.execMs() / 1000.0, cpu.ms() / 1000.0));
      }
    }
    if (perStatement) {
      metrics.statementActivity(target.name(), statements);
    }
    for (String db : databaseNames.values()) {
      double[] a = perDb.getOrDefault(db, new double[5]);
      metrics.databaseActivity(
          new AgentMetrics.DatabaseLabels(target.name(), db, tenants.get().tenantOf(db)),
          new AgentMetrics.DatabaseActivity((long) a[0], a[1], cpuBySource.getOrDefault(db, Map.of()), (long) a[3],
              (long) a[4]));
    }
  }

  private void success(Polled polled, Duration took) {
    Snapshot next = polled.snapshot();
    Instant at = clock.instant();
    lastSuccessAt = at;
    if (lastReason != null) {
      log.info("target {}: polling works again", target.name());
      lastReason = null;
    }
    backoff.succeeded();
    metrics.pollSucceeded(
        target.name(), SOURCE, took, at, next.entries().size(), polled.diff().deallocated(), polled.diff().reset());
    if (polled.diff().deallocated() > 0 && Duration.between(evictionsLoggedAt, at).compareTo(Duration.ofHours(1)) >= 0) {
      evictionsLoggedAt = at;
      log.warn("target {}: pg_stat_statements evicted {} entries since the previous poll (pg_stat_statements.max = {}): "
          + "a statement evicted and seen again is counted from its re-creation, so the history misses what it did in "
          + "between; raise pg_stat_statements.max (a restart is needed). Logged at most once an hour; "
          + "earlybird_statements_deallocated_total counts them all", target.name(), polled.diff().deallocated(),
          server.pgssMax());
    }
    metrics.trackIoTiming(target.name(), server.trackIoTiming());
    String degraded = degraded(polled.hidden(), next.entries().size());
    fleet.update(
        target.name(),
        s -> new TargetStatus(target.name(), true, at, server.version(), next.entries().size(), null,
            server.trackIoTiming(), degraded, polled.hidden().entries()));
  }

  /**
   * Why the poll's data is incomplete, or null (see {@link HiddenEntries#problem}). Logged when it starts and when it
   * ends, not every poll.
   */
  private String degraded(HiddenEntries hidden, int visible) {
    String was = fleet.get(target.name()).map(TargetStatus::degraded).orElse(null);
    String why = hidden.problem(visible, server.role());
    if (why == null && was != null) {
      log.info("target {}: every pg_stat_statements entry is visible again; the data is complete", target.name());
    } else if (why != null && was == null) {
      log.warn("target {}: incomplete data: {}", target.name(), why);
    }
    return why;
  }

  /**
   * The store, not the database, failed: keep the connection, retry next interval, and keep the target up (the
   * store reports its own state, once). The write may still land later (a timeout), so re-read the persisted
   * snapshot, through the writer's queue, before the next diff: the next stored interval then covers the polls
   * that were not stored, and the store is the truth, never a stale in-memory copy.
   */
  private void notStored(StoreFailure e, Instant started) {
    restored = false;
    if (e.getCause() instanceof SnapshotMovedException moved) {
      // Not a failure: a replica that held the target's shard for a while stored polls; the next diff starts there.
      log.info("{}", moved.getMessage());
      return;
    }
    if (StoreWriteException.isCause(e) || !store.health().up()) { // the store said so once
      log.debug("target {}: the history store did not store this poll: {}", target.name(), e.getMessage());
    } else {
      log.warn("target {}: writing to the history store failed: {}", target.name(), e.getMessage());
    }
    metrics.pollNotStored(target.name(), SOURCE, Duration.between(started, clock.instant()));
    // Connected (the store is only written after connecting), so the server is known.
    fleet.update(target.name(), s -> new TargetStatus(target.name(), true, s.lastPollAt(), server.version(),
        s.statements(), null, server.trackIoTiming(), s.degraded(), s.hiddenStatements()));
  }

  private void failure(ErrorReason reason, String message, Instant started) {
    Instant now = clock.instant();
    closeSource();
    backoff.failed(now);
    if (reason != lastReason) {
      log.warn("target {}: poll failed ({}): {}", target.name(), reason.label(), message);
      lastReason = reason;
    }
    metrics.pollFailed(target.name(), SOURCE, reason.label(), Duration.between(started, now));
    Duration stale = poll.get().interval().multipliedBy(3);
    if (lastSuccessAt == null || Duration.between(lastSuccessAt, now).compareTo(stale) > 0) {
      metrics.forgetTargetDetails(target.name());
    }
    fleet.update(
        target.name(),
        s -> new TargetStatus(target.name(), false, s.lastPollAt(), s.serverVersion(), s.statements(), message,
            s.trackIoTiming(), s.degraded(), s.hiddenStatements()));
  }

  private void closeSource() {
    if (source != null) {
      try {
        source.close();
      } catch (RuntimeException e) {
        log.debug("target {}: closing connection: {}", target.name(), e.getMessage());
      }
      source = null;
    }
  }

  /** The previous poll overran the interval, so a tick was skipped rather than queued. */
  void skipped() {
    metrics.pollSkipped(target.name());
  }

  /** Closes the connection; the poller may be used again (it reconnects). */
  public void close() {
    closeSource();
  }

  /** A write to the store failed or timed out. */
  private static final class StoreFailure extends RuntimeException {
    StoreFailure(Throwable cause) {
      super(cause == null ? "unknown" : cause.getMessage(), cause);
    }
  }
}
