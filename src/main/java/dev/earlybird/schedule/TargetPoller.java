package dev.earlybird.schedule;

import dev.earlybird.analysis.CpuAttribution;
import dev.earlybird.config.PollConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.TextKey;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.metrics.StatementSeries;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.TargetStatus;
import dev.earlybird.source.DiffResult;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.StatementDiff;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
  private final PollConfig poll;
  private final TenantsConfig tenants;
  private final Function<TargetConfig, PgStatStatementsSource> connector;
  private final HistoryStore store;
  private final HistoryWriter writer;
  private final AgentMetrics metrics;
  private final FleetState fleet;
  private final InstantSource clock;
  private final Backoff backoff;

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
  private String lastConnected;

  public TargetPoller(
      TargetConfig target,
      PollConfig poll,
      TenantsConfig tenants,
      Function<TargetConfig, PgStatStatementsSource> connector,
      HistoryStore store,
      HistoryWriter writer,
      AgentMetrics metrics,
      FleetState fleet,
      InstantSource clock,
      Backoff backoff) {
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
    metrics.registerTarget(target.name());
  }

  public String targetName() {
    return target.name();
  }

  /** One poll; never throws for a database's failure (it is counted, logged once per change, and retried). */
  public void pollOnce() {
    Instant started = clock.instant();
    if (!backoff.mayTry(started)) {
      return;
    }
    try {
      Polled polled = read(started);
      success(polled, Duration.between(started, clock.instant()));
    } catch (SourceException e) {
      failure(e.reason(), e.getMessage(), started);
    } catch (StoreFailure e) {
      // The store, not the database, failed: keep the connection, retry next interval, don't mark the target
      // down. The write may still land later (a timeout), so re-read the persisted snapshot, through the
      // writer's queue, before the next diff: the store is the truth, never a stale in-memory copy.
      restored = false;
      log.error("target {}: writing to the history store failed: {}", target.name(), e.getMessage(), e.getCause());
      metrics.pollFailed(target.name(), SOURCE, "store", Duration.between(started, clock.instant()));
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
  private record Polled(Snapshot snapshot, DiffResult diff) {}

  private Polled read(Instant now) throws SourceException {
    if (source == null) {
      source = connector.apply(target);
      server = source.serverInfo();
      databasesReadAt = Instant.MIN;
      Instant startedAt = server.startedAt();
      submit(s -> s.recordServerStart(target.name(), startedAt));
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
    if (Duration.between(databasesReadAt, now).compareTo(poll.textRefresh()) >= 0) {
      if (!databasesReadAt.equals(Instant.MIN)) {
        rereadSettings();
      }
      refreshDatabases(now);
    }
    Snapshot next = source.snapshot();
    if (!restored) {
      restore();
    }
    DiffResult diff = StatementDiff.between(previous, next);
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
    if (!pendingTexts.isEmpty() && Duration.between(textsReadAt, now).compareTo(poll.textRefresh()) >= 0) {
      texts = source.texts(List.copyOf(pendingTexts.values()), poll.textMaxLength());
      textsReadAt = now;
      metrics.textsFetched(target.name(), texts.size());
      // Texts that vanished before we read them are not retried: the entry is gone.
      pendingTexts.clear();
      texts.forEach(t -> storedTexts.add(new TextKey(t.dbId(), t.queryId())));
    }
    write(next, diff, texts);
    publish(diff);
    previous = next;
    return new Polled(next, diff);
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

  private void write(Snapshot next, DiffResult diff, List<StatementText> texts) {
    long t0 = System.nanoTime();
    PollRecord record =
        new PollRecord(target.name(), next.takenAt(), Optional.of(next), diff.intervals(), Optional.empty());
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
      writer.submit(write).get(poll.interval().toMillis() * 2, TimeUnit.MILLISECONDS);
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
      a[3] += i.rows();
      a[4] += i.tempBlksWritten() * 8192.0;
      if (perStatement) {
        statements.add(new StatementSeries.Activity(
            new StatementSeries.Key(target.name(), db, tenants.tenantOf(db), i.key().queryId()),
            i.calls(), i.execMs() / 1000.0, cpu.ms() / 1000.0));
      }
    }
    if (perStatement) {
      metrics.statementActivity(target.name(), statements);
    }
    for (String db : databaseNames.values()) {
      double[] a = perDb.getOrDefault(db, new double[5]);
      metrics.databaseActivity(
          new AgentMetrics.DatabaseLabels(target.name(), db, tenants.tenantOf(db)),
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
    metrics.trackIoTiming(target.name(), server.trackIoTiming());
    fleet.update(
        target.name(),
        s -> new TargetStatus(target.name(), true, at, server.version(), next.entries().size(), null, server.trackIoTiming()));
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
    Duration stale = poll.interval().multipliedBy(3);
    if (lastSuccessAt == null || Duration.between(lastSuccessAt, now).compareTo(stale) > 0) {
      metrics.forgetTargetDetails(target.name());
    }
    fleet.update(
        target.name(),
        s -> new TargetStatus(target.name(), false, s.lastPollAt(), s.serverVersion(), s.statements(), message, s.trackIoTiming()));
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
