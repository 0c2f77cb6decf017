package dev.earlybird.metrics;

import dev.earlybird.model.CloudWatchMetric;
import dev.earlybird.model.CloudWatchSample;
import dev.earlybird.model.CloudWatchScope;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest CloudWatch datapoint per target, scope and metric, in Prometheus base units. A series exists only
 * while datapoints arrive: one whose datapoints stopped (CloudWatch publishes DBLoad only under load; an
 * instance that was stopped or renamed publishes nothing) is removed, never frozen at its last value and never
 * shown as 0. Labels: {@code target}, {@code scope} (instance | cluster), and {@code kind} for DB load.
 */
public final class CloudWatchMetrics {
  private final PrometheusMeterRegistry registry;
  private final Map<Series, Latest> series = new ConcurrentHashMap<>();

  private record Series(String target, CloudWatchScope scope, CloudWatchMetric metric) {}

  /** The newest datapoint of a series; read by the gauge at scrape time. */
  private static final class Latest {
    volatile Instant at = Instant.MIN;
    volatile double value;
    Gauge gauge;
  }

  public CloudWatchMetrics(AgentMetrics metrics) {
    this.registry = metrics.registry();
  }

  /** Shows the newest of {@code samples} per series (older ones than already shown are ignored). */
  public void record(List<CloudWatchSample> samples) {
    for (CloudWatchSample s : samples) {
      Series key = new Series(s.target(), s.scope(), s.metric());
      Latest latest = series.computeIfAbsent(key, k -> new Latest());
      synchronized (latest) {
        if (s.at().isAfter(latest.at)) {
          latest.at = s.at();
          latest.value = s.value();
        }
        // Registered once it has a value, so a scrape never sees a made-up 0.
        if (latest.gauge == null) {
          latest.gauge = register(key, latest);
        }
      }
    }
  }

  /** Removes series whose newest datapoint started before {@code cutoff}. */
  public void expire(Instant cutoff) {
    series.forEach((k, latest) -> {
      if (latest.at.isBefore(cutoff)) {
        remove(k);
      }
    });
  }

  /** Removes the series of targets not in {@code targets} (removed from the config or the fleet). */
  public void retainTargets(Set<String> targets) {
    series.keySet().stream().filter(k -> !targets.contains(k.target())).toList().forEach(this::remove);
  }

  private void remove(Series k) {
    Latest latest = series.remove(k);
    if (latest != null) {
      synchronized (latest) {
        if (latest.gauge != null) {
          registry.remove(latest.gauge);
        }
      }
    }
  }

  private Gauge register(Series k, Latest latest) {
    Tags tags = Tags.of("target", k.target(), "scope", k.scope().label());
    // One help text per name, whatever the scope: Prometheus has one per metric family.
    String where = "; scope=cluster: the average over the Aurora cluster's instances";
    Gauge.Builder<Latest> b = switch (k.metric()) {
      case CPU_UTILIZATION -> gauge("earlybird.cloudwatch.cpu.utilization", latest, 0.01,
          "CPU utilization from CloudWatch CPUUtilization (0..1) of the latest period" + where).baseUnit("ratio");
      case DB_LOAD, DB_LOAD_CPU, DB_LOAD_NON_CPU -> gauge("earlybird.cloudwatch.db.load", latest, 1,
          "Average active sessions from CloudWatch DBLoad (kind=all), DBLoadCPU (cpu), DBLoadNonCPU (non_cpu) of "
              + "the latest period; absent while idle (CloudWatch publishes them only under load)")
          .tag("kind", switch (k.metric()) {
            case DB_LOAD_CPU -> "cpu";
            case DB_LOAD_NON_CPU -> "non_cpu";
            default -> "all";
          });
      case FREEABLE_MEMORY -> gauge("earlybird.cloudwatch.freeable.memory", latest, 1,
          "Freeable memory from CloudWatch FreeableMemory" + where).baseUnit("bytes");
      case READ_IOPS -> gauge("earlybird.cloudwatch.read.iops", latest, 1,
          "Disk read operations per second from CloudWatch ReadIOPS" + where);
      case WRITE_IOPS -> gauge("earlybird.cloudwatch.write.iops", latest, 1,
          "Disk write operations per second from CloudWatch WriteIOPS" + where);
      case DATABASE_CONNECTIONS -> gauge("earlybird.cloudwatch.database.connections", latest, 1,
          "Client connections from CloudWatch DatabaseConnections" + where);
    };
    return b.tags(tags).register(registry);
  }

  /** A gauge of the series' latest value times {@code factor} (CloudWatch's unit to the base unit). */
  private static Gauge.Builder<Latest> gauge(String name, Latest latest, double factor, String help) {
    return Gauge.builder(name, latest, l -> l.value * factor).description(help).strongReference(true);
  }
}
