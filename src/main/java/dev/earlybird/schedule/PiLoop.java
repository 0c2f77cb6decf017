package dev.earlybird.schedule;

import dev.earlybird.analysis.PiJoin;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.PerformanceInsightsStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.StoreWriteException;
import dev.earlybird.history.StatementActivity;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.PiMetrics;
import dev.earlybird.model.Period;
import dev.earlybird.model.PiShare;
import dev.earlybird.model.PiStatementLoad;
import dev.earlybird.model.PiWindow;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.aws.PiSource;
import dev.earlybird.source.aws.ThrottleCount;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Performance Insights for every target with {@code aws.dbiResourceId}, one aligned window after the
 * other, each exactly once: where the stored windows of a target end is where the next read starts, also after
 * a restart. Windows end {@link #lag} behind now, so PI has its samples and the pg_stat_statements intervals the
 * digests are joined to are stored. Targets are read in parallel (virtual threads); one failing never delays
 * the others, and a failure is never the database being down.
 */
public final class PiLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(PiLoop.class);
  static final String SOURCE = "performance_insights";
  /** After downtime, catch up at most this far back (PI keeps 7 days; older gaps stay gaps). */
  static final Duration MAX_CATCH_UP = Duration.ofHours(1);
  /** Windows read per target per round, so a catch-up is spread over rounds and the rate limiter. */
  static final int MAX_WINDOWS_PER_ROUND = 10;

  private final Supplier<List<TargetConfig>> targets;
  private final PiSource source;
  private final PerformanceInsightsStore store;
  private final HistoryWriter writer;
  private final AgentMetrics metrics;
  private final PiMetrics piMetrics;
  private final AwsSettings settings;
  private final Duration lag;
  private final InstantSource clock;
  private final Map<String, Instant> nextStart = new ConcurrentHashMap<>();
  private final Set<String> reportedOnce = ConcurrentHashMap.newKeySet();
  private final Periodic periodic;
  private volatile boolean closed;

  /**
   * @param targets the targets now (static and discovered); read every round
   * @param pollInterval pg_stat_statements' poll interval: windows lag behind by at least one poll
   */
  public PiLoop(Supplier<List<TargetConfig>> targets, PiSource source, PerformanceInsightsStore store, HistoryWriter writer,
      AgentMetrics metrics, PiMetrics piMetrics, AwsSettings settings, Duration pollInterval, InstantSource clock) {
    this.targets = targets;
    this.source = source;
    this.store = store;
    this.writer = writer;
    this.metrics = metrics;
    this.piMetrics = piMetrics;
    this.settings = settings;
    Duration period = Duration.ofSeconds(settings.piPeriodSeconds());
    Duration afterPoll = pollInterval.plusSeconds(5);
    this.lag = afterPoll.compareTo(period) > 0 ? afterPoll : period;
    this.clock = clock;
    this.periodic = new Periodic("performance-insights", settings.piInterval(), clock, this::round);
  }

  @Override
  public String name() {
    return "Performance Insights";
  }

  @Override
  public void start() {
    periodic.start(Duration.ZERO);
  }

  /** One round over all PI targets, in parallel; returns when all are done. */
  void round() {
    List<TargetConfig> linked = targets.get().stream()
        .filter(t -> t.aws().flatMap(a -> a.dbiResourceId()).isPresent())
        .toList();
    piMetrics.retain(linked.stream().map(TargetConfig::name).collect(java.util.stream.Collectors.toSet()));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (TargetConfig t : linked) {
        pool.submit(() -> {
          // Each target's lines carry its name as a field in the JSON log, as the pollers' do.
          org.slf4j.MDC.put("target", t.name());
          try {
            collect(t);
          } catch (Throwable e) { // a task's exception would vanish in its Future: a silent stall
            log.error("target {}: reading Performance Insights failed unexpectedly", t.name(), e);
          } finally {
            org.slf4j.MDC.remove("target");
          }
        });
      }
    } // close() waits for every target; each is bounded by the SDK's call timeouts
  }

  /** Reads the target's due windows, oldest first; stops at the first failure (the next round retries it). */
  void collect(TargetConfig target) {
    int period = settings.piPeriodSeconds();
    Duration length = settings.piInterval();
    Instant limit = PiSource.alignDown(clock.instant().minus(lag), period);
    Instant start = nextStart.computeIfAbsent(target.name(), n -> store.lastPiWindowEnd(n)
        .orElse(PiSource.alignDown(limit.minus(length), period)));
    Instant floor = PiSource.alignDown(limit.minus(MAX_CATCH_UP), period);
    if (start.isBefore(floor)) {
      log.info("target {}: Performance Insights was not read since {}; catching up from {}", target.name(), start,
          floor);
      start = floor;
    }
    ThrottleCount throttles = new ThrottleCount();
    for (int n = 0; n < MAX_WINDOWS_PER_ROUND && !start.plus(length).isAfter(limit) && !closed; n++) {
      Period window = new Period(start, start.plus(length));
      long t0 = System.nanoTime();
      try {
        PiWindow w = source.read(target.name(), target.aws().orElseThrow(), window, period, settings.piTop(),
            throttles);
        List<PiShare> shares = join(target.name(), w);
        writer.call(s -> s.recordPiWindow(w, shares, clock.instant())).join();
        metrics.sourceSucceeded(target.name(), SOURCE, Duration.ofNanos(System.nanoTime() - t0));
        piMetrics.load(target.name(), latestLoad(w));
        reportedOnce.removeIf(k -> k.startsWith(target.name() + "\u0000"));
        start = window.to();
        nextStart.put(target.name(), start);
      } catch (SourceException e) {
        metrics.sourceFailed(target.name(), SOURCE, e.reason().label(), Duration.ofNanos(System.nanoTime() - t0));
        report(target.name(), e);
        if (e.reason() != ErrorReason.THROTTLED) {
          piMetrics.forget(target.name());
        }
        break;
      } catch (RuntimeException e) {
        boolean store = StoreWriteException.isCause(e); // the store said so once, and the window is read again
        metrics.sourceFailed(target.name(), SOURCE, store ? "store" : ErrorReason.OTHER.label(),
            Duration.ofNanos(System.nanoTime() - t0));
        if (!store) {
          log.warn("target {}: Performance Insights window {} .. {} failed: {}", target.name(), window.from(),
              window.to(), e.toString());
        }
        break;
      } finally {
        metrics.throttled(target.name(), SOURCE, throttles.takeThrottled());
      }
    }
  }

  private List<PiShare> join(String target, PiWindow w) {
    Set<Long> queryIds = new java.util.HashSet<>();
    boolean synthetic = false;
    for (PiStatementLoad s : w.statements()) {
      if (s.queryId().isPresent()) {
        queryIds.add(s.queryId().getAsLong());
      } else {
        synthetic = true;
      }
    }
    List<StatementActivity> entries = store.piJoinCandidates(target, w.period(), queryIds, synthetic);
    return PiJoin.join(w.statements(), entries);
  }

  /** The last timeline point's sessions per wait type ("all" for the total), for the gauges. */
  private static Map<String, Double> latestLoad(PiWindow w) {
    Optional<Instant> last = w.timeline().stream().map(PiWindow.PiPoint::at).max(Instant::compareTo);
    Map<String, Double> out = new HashMap<>();
    last.ifPresent(at -> w.timeline().stream().filter(p -> p.at().equals(at))
        .forEach(p -> out.put(p.waitType().isEmpty() ? "all" : p.waitType(), p.averageActiveSessions())));
    return out;
  }

  /** Access denied and "not enabled" are logged once per target until PI works again; the rest every time. */
  private void report(String target, SourceException e) {
    boolean once = e.reason() == ErrorReason.PERMISSION || e.reason() == ErrorReason.NOT_ENABLED;
    if (!once) {
      log.warn("{}", e.getMessage());
    } else if (reportedOnce.add(target + "\u0000" + e.reason())) {
      log.error("{} (reported once; counted in earlybird_poll_errors_total)", e.getMessage());
    }
  }

  /** Stops scheduling; a round in flight stops before its next window and finishes the one it reads. */
  @Override
  public Stopped stop(Duration deadline) {
    closed = true;
    return Stopped.inTime(periodic.close(deadline));
  }
}
