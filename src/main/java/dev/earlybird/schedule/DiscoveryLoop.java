package dev.earlybird.schedule;

import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.DiscoveryMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.aws.DiscoveredTargets;
import dev.earlybird.source.aws.RdsDiscovery;
import dev.earlybird.source.aws.RdsInstance;
import dev.earlybird.source.aws.ThrottleCount;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the polled fleet in step with RDS: every {@code discovery.refresh} it lists each region and starts pollers
 * for instances that appeared, stops those of instances that went away (their series and fleet entry go; their
 * history stays in the store) and reconnects targets whose endpoint changed.
 *
 * <p>A region whose listing fails (throttled, access denied, network) keeps the targets of its last listing that
 * worked: a failed describe call must never drop the fleet. Failures are counted; each region's failure is logged
 * when its reason changes, so a missing permission is logged once, not every refresh.
 */
public final class DiscoveryLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryLoop.class);

  private final RdsDiscovery discovery;
  private final DiscoveryConfig config;
  private final Set<String> staticNames;
  private final Function<TargetConfig, TargetPoller> newPoller;
  private final PollLoop polls;
  private final FleetState fleet;
  private final AgentMetrics metrics;
  private final DiscoveryMetrics discoveryMetrics;
  private final InstantSource clock;
  /** One refresh at a time (the first runs on the caller's thread, later ones on the loop's). */
  private final ReentrantLock lock = new ReentrantLock();
  /** The last listing that worked, per region. */
  private final Map<String, List<RdsInstance>> listed = new HashMap<>();
  /** Discovered targets polled now, by name. */
  private final Map<String, TargetConfig> polled = new LinkedHashMap<>();
  private final Map<String, ErrorReason> failing = new HashMap<>();
  private final Set<String> notesLogged = new HashSet<>();
  private final Periodic periodic;

  /**
   * @param staticNames the targets under {@code targets:}, which discovery leaves alone
   * @param newPoller creates the poller of a discovered target
   */
  public DiscoveryLoop(
      RdsDiscovery discovery,
      Set<String> staticNames,
      Function<TargetConfig, TargetPoller> newPoller,
      PollLoop polls,
      FleetState fleet,
      AgentMetrics metrics,
      DiscoveryMetrics discoveryMetrics,
      InstantSource clock) {
    this.discovery = discovery;
    this.config = discovery.config();
    this.staticNames = Set.copyOf(staticNames);
    this.newPoller = newPoller;
    this.polls = polls;
    this.fleet = fleet;
    this.metrics = metrics;
    this.discoveryMetrics = discoveryMetrics;
    this.clock = clock;
    this.periodic = new Periodic("discovery", config.refresh(), clock, this::refresh);
  }

  /** Lists every region once and brings the polled fleet in line; never throws. */
  public void refresh() {
    lock.lock();
    try {
      for (String region : config.regions()) {
        list(region);
      }
      List<List<RdsInstance>> byRegion = new ArrayList<>();
      config.regions().forEach(r -> byRegion.add(listed.getOrDefault(r, List.of())));
      DiscoveredTargets.Plan plan = DiscoveredTargets.plan(config, byRegion, staticNames);
      for (String note : plan.notes()) {
        if (notesLogged.add(note)) {
          log.info("discovery: {}", note);
        }
      }
      apply(plan.targets());
    } catch (RuntimeException e) {
      log.error("discovery: unexpected error; the polled targets stay as they were", e);
    } finally {
      lock.unlock();
    }
  }

  private void list(String region) {
    ThrottleCount throttled = new ThrottleCount();
    Instant started = clock.instant();
    try {
      List<RdsInstance> found = discovery.scan(region, throttled);
      Instant now = clock.instant();
      listed.put(region, found);
      discoveryMetrics.listed(region, Duration.between(started, now), now);
      if (failing.remove(region) != null) {
        log.info("discovery in {} works again: {} instance(s) found", region, found.size());
      }
    } catch (SourceException e) {
      failed(region, e.reason(), e.getMessage(), started);
    } catch (RuntimeException e) {
      log.error("discovery in {}: unexpected error", region, e);
      failed(region, ErrorReason.OTHER, e.getClass().getSimpleName() + ": " + e.getMessage(), started);
    } finally {
      discoveryMetrics.throttled(region, throttled.takeThrottled());
    }
  }

  private void failed(String region, ErrorReason reason, String message, Instant started) {
    discoveryMetrics.failed(region, reason.label(), Duration.between(started, clock.instant()));
    if (failing.put(region, reason) != reason) {
      int kept = listed.getOrDefault(region, List.of()).size();
      log.warn("{}; keeping the {} instance(s) of the last listing that worked", message, kept);
    }
  }

  private void apply(Map<String, TargetConfig> wanted) {
    for (String name : List.copyOf(polled.keySet())) {
      TargetConfig now = polled.get(name);
      TargetConfig next = wanted.get(name);
      if (next == null) {
        stop(name, now);
      } else if (!next.equals(now)) {
        log.info("target {}: its instance changed ({}), reconnecting", name, describe(next));
        polls.remove(name);
        start(next);
      }
    }
    wanted.forEach((name, target) -> {
      if (!polled.containsKey(name)) {
        log.info("target {} discovered ({}), polling it", name, describe(target));
        start(target);
      }
    });
    Map<String, Integer> perRegion = new HashMap<>();
    config.regions().forEach(r -> perRegion.put(r, 0));
    polled.values().forEach(t -> perRegion.merge(t.aws().orElseThrow().region(), 1, Integer::sum));
    perRegion.forEach(discoveryMetrics::targets);
  }

  private void start(TargetConfig target) {
    // The fleet entry first: the first poll's status must have somewhere to land.
    fleet.add(target.name(), new FleetState.Origin(true, target.aws()));
    polls.add(newPoller.apply(target));
    polled.put(target.name(), target);
  }

  private void stop(String name, TargetConfig target) {
    log.info("target {} is gone from RDS discovery ({}): no longer polled; its history stays", name,
        describe(target));
    if (!polls.remove(name)) {
      log.warn("target {}: its last poll did not finish in time; its series may linger until it does", name);
    }
    fleet.remove(name);
    metrics.removeTarget(name);
    polled.remove(name);
  }

  private static String describe(TargetConfig t) {
    var aws = t.aws().orElseThrow();
    return aws.dbInstanceIdentifier().orElse("?") + " in " + aws.region()
        + aws.dbClusterIdentifier().map(c -> ", cluster " + c).orElse("");
  }

  @Override
  public String name() {
    return "discovery";
  }

  /** Refreshes every {@code discovery.refresh}, from one refresh after now, on a virtual thread. */
  @Override
  public void start() {
    periodic.start(config.refresh());
  }

  /** The discovered targets polled now, for the other sources (Performance Insights, CloudWatch). */
  public List<TargetConfig> targetConfigs() {
    lock.lock();
    try {
      return List.copyOf(polled.values());
    } finally {
      lock.unlock();
    }
  }

  /** Names of the discovered targets polled now. */
  public List<String> targets() {
    lock.lock();
    try {
      return List.copyOf(polled.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Stops refreshing; a refresh in progress finishes first (bounded by the SDK's call timeout). */
  @Override
  public Stopped stop(Duration deadline) {
    return Stopped.inTime(periodic.close(deadline));
  }
}
