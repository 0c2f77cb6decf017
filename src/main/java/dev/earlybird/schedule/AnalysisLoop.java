package dev.earlybird.schedule;

import dev.earlybird.analysis.Analyzer;
import dev.earlybird.config.Durations;
import dev.earlybird.history.StoreWriteException;
import dev.earlybird.history.WindowEvaluatedException;
import dev.earlybird.metrics.AgentMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates each analysis window once it is complete and its last polls have landed. Runs on a platform
 * thread: the store's reads are native calls that would pin a virtual thread's carrier for their duration.
 * A failed evaluation is retried on the next tick; it never stops polling.
 */
public final class AnalysisLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(AnalysisLoop.class);

  private final Analyzer analyzer;
  private final AgentMetrics metrics;
  private final InstantSource clock;
  private final Duration settle;
  private final Duration tick;
  private volatile boolean running;
  private Thread thread;
  private String lastError;
  /** Whether this agent evaluated last tick; its findings series go when it stops. */
  private boolean evaluating;
  /** Whether this agent evaluates now: replicas sharing a store leave it to the one holding shard 0. */
  private final BooleanSupplier leads;

  /** @param settle how long after a window's end its polls may still be landing (about one poll) */
  public AnalysisLoop(Analyzer analyzer, AgentMetrics metrics, InstantSource clock, Duration settle) {
    this(analyzer, metrics, clock, settle, () -> true);
  }

  /** @param leads whether this agent evaluates the fleet now (it holds shard 0); read at each tick */
  public AnalysisLoop(
      Analyzer analyzer, AgentMetrics metrics, InstantSource clock, Duration settle, BooleanSupplier leads) {
    this.leads = leads;
    this.analyzer = analyzer;
    this.metrics = metrics;
    this.clock = clock;
    this.settle = settle;
    Duration quarter = analyzer.window().dividedBy(4);
    this.tick = quarter.compareTo(Duration.ofSeconds(5)) < 0 ? quarter : Duration.ofSeconds(5);
  }

  @Override
  public String name() {
    return "analysis";
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("analysis").start(this::loop);
  }

  private void loop() {
    while (running) {
      runDue();
      LockSupport.parkNanos(tick.toNanos());
    }
  }

  /** Evaluates the latest complete window if it was not evaluated yet; returns its end. */
  Optional<Instant> runDue() {
    if (!leads.getAsBoolean()) {
      analyzer.forgetWatermark(); // whoever leads meanwhile moves it on
      if (evaluating) {
        evaluating = false;
        metrics.stopEvaluating();
      }
      return Optional.empty();
    }
    evaluating = true;
    try {
      Optional<Instant> due = analyzer.due(clock.instant(), settle);
      if (due.isEmpty()) {
        return due;
      }
      Analyzer.Evaluation e = analyzer.evaluate(due.get());
      Map<AgentMetrics.FindingLabels, Long> counts = new HashMap<>();
      analyzer.activeCounts().forEach((k, v) -> counts.put(new AgentMetrics.FindingLabels(k.get(0), k.get(1), k.get(2)), v));
      metrics.findingsActive(counts, e.took());
      metrics.forecastCpuRatios(e.forecastCpuRatios());
      e.changed().stream()
          .filter(f -> f.resolvedAt().isPresent() || (f.state() == dev.earlybird.model.FindingState.ACTIVE
              && f.clearStreak() == 0 && f.streak() == analyzer.persistence()))
          .forEach(f -> log.info("finding {} {} {} on {}/{} queryid {}: {}", f.state().label(), f.kind().label(),
              f.severity().yamlName(), f.target(), f.database(), f.queryId(), f.summary()));
      log.debug("analysis of window {} took {} ({} candidates)", e.window(), Durations.format(e.took()),
          e.candidates());
      lastError = null;
      return due;
    } catch (RuntimeException e) {
      Optional<Throwable> overtaken = causeOf(e, WindowEvaluatedException.class);
      if (overtaken.isPresent()) {
        log.info("{}", overtaken.get().getMessage());
        analyzer.forgetWatermark();
        return Optional.empty();
      }
      if (StoreWriteException.isCause(e)) {
        log.debug("analysis could not store its findings; will retry: {}", e.getMessage()); // the store said so once
      } else if (!String.valueOf(e.getMessage()).equals(lastError)) {
        log.error("analysis failed; will retry: {}", e.getMessage(), e);
        lastError = String.valueOf(e.getMessage());
      }
      return Optional.empty();
    }
  }

  private static Optional<Throwable> causeOf(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Stops scheduling; an evaluation in flight finishes (its window was complete when it began). */
  @Override
  public Stopped stop(Duration deadline) {
    running = false;
    return Stopped.joining(thread, deadline);
  }
}
