package dev.earlybird.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code earlybird_performance_insights_load_sessions{target, wait_event_type}}: each PI target's average active
 * sessions over its last PI window, by wait event type (about ten values), plus {@code wait_event_type="all"}.
 * A type missing from the last window, or a target PI stopped answering for, loses its series instead of
 * showing an old value.
 */
public final class PiMetrics {
  private final MeterRegistry registry;
  private final Map<String, Map<String, Entry>> byTarget = new ConcurrentHashMap<>();

  private record Entry(AtomicReference<Double> value, Meter meter) {}

  public PiMetrics(AgentMetrics metrics) {
    this.registry = metrics.registry();
  }

  /** Sets a target's load by wait type from its last window; types not given are removed. */
  public synchronized void load(String target, Map<String, Double> sessionsByWaitType) {
    Map<String, Entry> current = byTarget.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
    for (var e : sessionsByWaitType.entrySet()) {
      current.computeIfAbsent(e.getKey(), type -> {
        AtomicReference<Double> v = new AtomicReference<>(0.0);
        Meter m = Gauge.builder("earlybird.performance.insights.load.sessions", v, AtomicReference::get)
            .description("Average active sessions over the target's last Performance Insights window, by wait "
                + "event type (all = every type)")
            .tags("target", target, "wait_event_type", type)
            .register(registry);
        return new Entry(v, m);
      }).value().set(Math.max(0, e.getValue()));
    }
    for (String type : java.util.List.copyOf(current.keySet())) {
      if (!sessionsByWaitType.containsKey(type)) {
        registry.remove(current.remove(type).meter());
      }
    }
  }

  /** Drops the series of targets not in {@code current} (removed by discovery, or no longer linked to PI). */
  public synchronized void retain(java.util.Set<String> current) {
    for (String target : java.util.List.copyOf(byTarget.keySet())) {
      if (!current.contains(target)) {
        forget(target);
      }
    }
  }

  /** Drops a target's series (PI failing for long, or the target gone). */
  public synchronized void forget(String target) {
    Map<String, Entry> current = byTarget.remove(target);
    if (current != null) {
      current.values().forEach(e -> registry.remove(e.meter()));
    }
  }
}
