package dev.earlybird.schedule;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.AwsService;
import dev.earlybird.config.AwsSettings;
import dev.earlybird.config.Durations;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.StoreWriteException;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.CloudWatchMetrics;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.aws.CloudWatchRequest;
import dev.earlybird.source.aws.CloudWatchResult;
import dev.earlybird.source.aws.CloudWatchSource;
import dev.earlybird.source.aws.CloudWatchWindows;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads CloudWatch for every linked target each {@code aws.cloudwatch.interval}, on its own virtual thread:
 * one round batches all targets that share a region and endpoint (see {@link CloudWatchSource}), regions run
 * side by side, and a failing target or region never stops the others. Each target's window starts where the
 * last stored one ended (after a restart: after its newest stored datapoint), so no window is stored twice.
 *
 * <p>Failures are counted per target in {@code earlybird_poll_errors_total{source="cloudwatch"}} and never touch
 * {@code earlybird_target_up}: throttling or a missing IAM permission says nothing about the database. Each
 * kind of failure is logged once per target until it changes or CloudWatch works again, so access denied
 * appears once, with the action to grant, not every round.
 */
public final class CloudWatchLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(CloudWatchLoop.class);
  static final String SOURCE = "cloudwatch";

  /** The targets now (static and discovered), read every round. */
  private final Supplier<List<TargetConfig>> targets;
  private final Duration interval;
  private final Duration period;
  private final Duration delay;
  private final CloudWatchSource source;
  private final HistoryWriter writer;
  private final AgentMetrics metrics;
  private final CloudWatchMetrics gauges;
  private final InstantSource clock;
  /** Exclusive end of what is stored per target and scope; loaded from the store on the first round. */
  private final Map<Feed, Instant> readUntil = new ConcurrentHashMap<>();
  private final Map<String, ErrorReason> lastReason = new ConcurrentHashMap<>();
  private volatile boolean resumed;
  private final Periodic periodic;

  /** What one target reads in one scope. */
  private record Feed(String target, CloudWatchScope scope) {}

  /** Targets whose calls can share a client and a batch. */
  private record Link(String region, Optional<URI> cloudwatch, Optional<URI> sts) {
    static Link of(AwsConfig aws) {
      return new Link(aws.region(), aws.endpointFor(AwsService.CLOUDWATCH), aws.endpointFor(AwsService.STS));
    }
  }

  /** A loop over a fixed list of targets. */
  public CloudWatchLoop(
      List<TargetConfig> targets,
      AwsSettings settings,
      CloudWatchSource source,
      HistoryWriter writer,
      AgentMetrics metrics,
      CloudWatchMetrics gauges,
      InstantSource clock) {
    this(() -> targets, settings, source, writer, metrics, gauges, clock);
  }

  public CloudWatchLoop(
      Supplier<List<TargetConfig>> targets,
      AwsSettings settings,
      CloudWatchSource source,
      HistoryWriter writer,
      AgentMetrics metrics,
      CloudWatchMetrics gauges,
      InstantSource clock) {
    this.targets = targets;
    this.interval = settings.cloudwatchInterval();
    this.period = settings.cloudwatchPeriod();
    this.delay = settings.cloudwatchDelay();
    this.source = source;
    this.writer = writer;
    this.metrics = metrics;
    this.gauges = gauges;
    this.clock = clock;
    this.periodic = new Periodic("cloudwatch", interval, clock, this::runOnce);
  }

  private List<TargetConfig> linked() {
    return targets.get().stream().filter(CloudWatchLoop::linked).toList();
  }

  /** Whether a target has anything to read from CloudWatch. */
  public static boolean linked(TargetConfig t) {
    return t.aws().isPresent()
        && (t.aws().get().dbInstanceIdentifier().isPresent() || t.aws().get().dbClusterIdentifier().isPresent());
  }

  @Override
  public String name() {
    return "CloudWatch";
  }

  @Override
  public void start() {
    log.info("CloudWatch: reading {} target(s) every {}, {} periods, {} behind", linked().size(),
        Durations.format(interval), Durations.format(period), Durations.format(delay));
    periodic.start(Duration.ZERO);
  }

  /** One round over every linked target; never throws. */
  void runOnce() {
    try {
      if (!resumed) {
        resume();
      }
      Instant end = CloudWatchWindows.end(clock.instant(), period, delay);
      Map<Link, List<CloudWatchRequest>> groups = new LinkedHashMap<>();
      Map<Link, AwsConfig> links = new LinkedHashMap<>();
      List<TargetConfig> current = linked();
      for (TargetConfig t : current) {
        AwsConfig aws = t.aws().orElseThrow();
        Link link = Link.of(aws);
        links.putIfAbsent(link, aws);
        request(t, CloudWatchScope.INSTANCE, aws.dbInstanceIdentifier(), end)
            .ifPresent(r -> groups.computeIfAbsent(link, l -> new ArrayList<>()).add(r));
        request(t, CloudWatchScope.CLUSTER, aws.dbClusterIdentifier(), end)
            .ifPresent(r -> groups.computeIfAbsent(link, l -> new ArrayList<>()).add(r));
      }
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        groups.forEach((link, requests) -> pool.submit(() -> collect(links.get(link), requests)));
      }
      gauges.expire(end.minus(staleAfter()));
      gauges.retainTargets(current.stream().map(TargetConfig::name).collect(Collectors.toSet()));
    } catch (RuntimeException e) {
      log.error("CloudWatch round failed; will retry: {}", e.getMessage(), e);
    }
  }

  /** A series with no datapoint for this long is removed from /metrics rather than frozen. */
  Duration staleAfter() {
    Duration periods = period.multipliedBy(5);
    Duration rounds = interval.multipliedBy(3);
    return periods.compareTo(rounds) > 0 ? periods : rounds;
  }

  private Optional<CloudWatchRequest> request(TargetConfig t, CloudWatchScope scope, Optional<String> id, Instant end) {
    if (id.isEmpty()) {
      return Optional.empty();
    }
    Optional<Instant> resume = Optional.ofNullable(readUntil.get(new Feed(t.name(), scope)));
    return CloudWatchWindows.start(resume, end, period)
        .map(from -> new CloudWatchRequest(t.name(), scope, id.get(), from, end));
  }

  /** Where each target's reading resumes: after its newest stored datapoint. Through the writer, after any write. */
  private void resume() {
    Map<CloudWatchScope, Map<String, Instant>> last = await(writer.call(s -> {
      Map<CloudWatchScope, Map<String, Instant>> m = new EnumMap<>(CloudWatchScope.class);
      for (CloudWatchScope scope : CloudWatchScope.values()) {
        m.put(scope, s.lastCloudWatchSamples(scope));
      }
      return m;
    }));
    last.forEach((scope, byTarget) ->
        byTarget.forEach((target, at) -> readUntil.merge(new Feed(target, scope), at.plus(period), (a, b) -> a)));
    resumed = true;
  }

  private void collect(AwsConfig link, List<CloudWatchRequest> requests) {
    long t0 = System.nanoTime();
    List<CloudWatchResult> results;
    try {
      results = source.read(link, requests);
    } catch (RuntimeException e) {
      log.error("CloudWatch in {}: unexpected error", link.region(), e);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      requests.stream().map(CloudWatchRequest::target).distinct()
          .forEach(t -> metrics.sourceFailed(t, SOURCE, ErrorReason.OTHER.label(), took));
      return;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    List<CloudWatchSample> samples = new ArrayList<>();
    results.stream().filter(r -> r.failure().isEmpty()).forEach(r -> samples.addAll(r.samples()));
    Optional<String> storeError = store(samples);
    if (storeError.isEmpty()) {
      results.stream().filter(r -> r.failure().isEmpty())
          .forEach(r -> readUntil.put(new Feed(r.request().target(), r.request().scope()), r.request().to()));
      gauges.record(samples);
    }
    Map<String, List<CloudWatchResult>> byTarget = new LinkedHashMap<>();
    results.forEach(r -> byTarget.computeIfAbsent(r.request().target(), t -> new ArrayList<>()).add(r));
    byTarget.forEach((target, own) -> report(target, own, storeError, took));
  }

  /** Writes through the single writer; the error message if it failed (the windows are then read again). */
  private Optional<String> store(List<CloudWatchSample> samples) {
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    List<CloudWatchSample> copy = List.copyOf(samples);
    try {
      await(writer.submit(s -> s.recordCloudWatch(copy)));
      return Optional.empty();
    } catch (RuntimeException e) {
      if (!StoreWriteException.isCause(e)) { // else the store said so once
        log.error("storing {} CloudWatch datapoints failed; their windows are read again: {}", copy.size(), e.getMessage());
      }
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  private void report(String target, List<CloudWatchResult> own, Optional<String> storeError, Duration took) {
    int throttled = own.stream().mapToInt(CloudWatchResult::throttled).sum();
    Optional<SourceException> failure = own.stream().flatMap(r -> r.failure().stream()).findFirst();
    if (failure.isPresent()) {
      SourceException e = failure.get();
      // The final throttled attempt is the failure itself: count it once.
      metrics.throttled(target, SOURCE, e.reason() == ErrorReason.THROTTLED ? Math.max(0, throttled - 1) : throttled);
      metrics.sourceFailed(target, SOURCE, e.reason().label(), took);
      logFailure(target, e.reason(), e.getMessage());
    } else if (storeError.isPresent() && own.stream().anyMatch(r -> !r.samples().isEmpty())) {
      metrics.throttled(target, SOURCE, throttled);
      metrics.sourceFailed(target, SOURCE, "store", took);
    } else {
      metrics.throttled(target, SOURCE, throttled);
      metrics.sourceSucceeded(target, SOURCE, took);
      if (lastReason.remove(target) != null) {
        log.info("target {}: CloudWatch works again", target);
      }
    }
  }

  private void logFailure(String target, ErrorReason reason, String message) {
    if (lastReason.put(target, reason) != reason) {
      log.warn("target {}: CloudWatch read failed ({}): {}", target, reason.label(), message);
    } else {
      log.debug("target {}: CloudWatch read failed again ({}): {}", target, reason.label(), message);
    }
  }

  /** Waits for a queued write or read, at most a couple of rounds. */
  private <T> T await(java.util.concurrent.Future<T> f) {
    long timeoutMs = Math.max(interval.toMillis() * 2, 30_000);
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("history store: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("history store did not answer within " + timeoutMs + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the history store", e);
    }
  }

  /** Stops scheduling; a round in flight finishes (bounded by the SDK's call timeout). */
  @Override
  public Stopped stop(Duration deadline) {
    return Stopped.inTime(periodic.close(deadline));
  }
}
