package dev.earlybird.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The series of RDS discovery, per region (a handful, from the config): how many targets it polls, how long a
 * listing takes, when one last worked, and why one failed. A failed listing keeps the previous targets, so the
 * gauge keeps its value too; the error counter and the last-success time tell that the list is getting old.
 */
public final class DiscoveryMetrics {
  private final AgentMetrics metrics;
  private final Map<String, Region> regions = new ConcurrentHashMap<>();

  public DiscoveryMetrics(AgentMetrics metrics) {
    this.metrics = metrics;
  }

  private final class Region {
    final AtomicLong targets = new AtomicLong();
    final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    final Timer duration;

    Region(String region) {
      var registry = metrics.registry();
      Gauge.builder("earlybird.discovered.targets", targets, AtomicLong::get)
          .description("Targets RDS discovery found in the region and polls")
          .tag("region", region)
          .register(registry);
      Gauge.builder("earlybird.discovery.last.success.timestamp.seconds", lastSuccess,
              r -> r.get() == null ? Double.NaN : r.get().toEpochMilli() / 1000.0)
          .description("Unix time of the last RDS listing of the region that worked")
          .tag("region", region)
          .register(registry);
      duration = Timer.builder("earlybird.discovery.duration")
          .description("Time to list the region's instances (all pages, rate limiter waits included)")
          .tag("region", region)
          .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
              Duration.ofSeconds(5), Duration.ofSeconds(30))
          .register(registry);
    }
  }

  private Region region(String region) {
    return regions.computeIfAbsent(region, Region::new);
  }

  /** A listing worked. */
  public void listed(String region, Duration took, Instant at) {
    Region r = region(region);
    r.duration.record(took);
    r.lastSuccess.set(at);
  }

  /** How many targets of the region are polled now. */
  public void targets(String region, int count) {
    region(region).targets.set(count);
  }

  /**
   * A listing failed; {@code reason} is an error reason label ({@code permission}, {@code connect}, ...). One that
   * failed for throttling is not counted again: its throttled attempts are, through {@link #throttled}.
   */
  public void failed(String region, String reason, Duration took) {
    region(region).duration.record(took);
    if (!reason.equals("throttled")) {
      errors(region, reason, 1);
    }
  }

  /** Throttled attempts the SDK retried (each counts, even when a retry then worked). */
  public void throttled(String region, int attempts) {
    if (attempts > 0) {
      errors(region, "throttled", attempts);
    }
  }

  private void errors(String region, String reason, int n) {
    Counter.builder("earlybird.discovery.errors")
        .description("Failed RDS discovery calls by region and reason (throttled attempts included)")
        .tags("region", region, "reason", reason)
        .register(metrics.registry())
        .increment(n);
  }
}
