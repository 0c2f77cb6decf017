package dev.earlybird.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Alert delivery and morning reviews: notifications sent and failed per receiver (both at 0 from the start, so a
 * rate over them works before the first failure), the outbox backlog per receiver, and reviews run on time or late.
 */
public final class AlertMetrics {
  public static final String SENT = "sent";
  public static final String FAILED = "failed";

  private final AgentMetrics metrics;
  private final Supplier<Instant> now;
  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
  private final Counter onTime;
  private final Counter late;
  private final Timer reviewDuration;

  public AlertMetrics(AgentMetrics metrics, Supplier<Instant> now) {
    this.metrics = metrics;
    this.now = now;
    var registry = metrics.registry();
    onTime = Counter.builder("earlybird.reviews").description("Morning reviews run, on time or late (missed while "
        + "the agent was down, run once when it came back)").tag("outcome", "on_time").register(registry);
    late = Counter.builder("earlybird.reviews").description("Morning reviews run, on time or late (missed while "
        + "the agent was down, run once when it came back)").tag("outcome", "late").register(registry);
    reviewDuration = Timer.builder("earlybird.review.duration")
        .description("Time to build, store and queue one morning review")
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30))
        .register(registry);
  }

  private final class Receiver {
    final Counter sent;
    final Counter failed;
    final AtomicLong pending = new AtomicLong();
    final AtomicReference<Instant> oldest = new AtomicReference<>();

    Receiver(String name) {
      var registry = metrics.registry();
      sent = Counter.builder("earlybird.alert.notifications")
          .description("Notifications handed to a receiver (sent) or given up (failed: refused, or not delivered "
              + "within alerts.maxAge)")
          .tags("receiver", name, "outcome", SENT).register(registry);
      failed = Counter.builder("earlybird.alert.notifications")
          .description("Notifications handed to a receiver (sent) or given up (failed: refused, or not delivered "
              + "within alerts.maxAge)")
          .tags("receiver", name, "outcome", FAILED).register(registry);
      Gauge.builder("earlybird.alert.outbox.pending", pending, AtomicLong::get)
          .description("Notifications waiting in the outbox for the receiver")
          .tag("receiver", name).register(registry);
      Gauge.builder("earlybird.alert.outbox.oldest.age", oldest,
              o -> o.get() == null ? 0 : Math.max(0, Duration.between(o.get(), now.get()).toMillis() / 1000.0))
          .description("Age of the oldest notification waiting for the receiver; 0 when none waits")
          .baseUnit("seconds")
          .tag("receiver", name).register(registry);
    }
  }

  /** The configured receivers: each gets its series at 0. */
  public void receivers(Collection<String> names) {
    names.forEach(n -> receivers.computeIfAbsent(n, Receiver::new));
  }

  public void sent(String receiver) {
    receivers.computeIfAbsent(receiver, Receiver::new).sent.increment();
  }

  public void failed(String receiver) {
    receivers.computeIfAbsent(receiver, Receiver::new).failed.increment();
  }

  /** The outbox backlog of a receiver as last read. */
  public void backlog(String receiver, long pending, Optional<Instant> oldest) {
    Receiver r = receivers.computeIfAbsent(receiver, Receiver::new);
    r.pending.set(pending);
    r.oldest.set(oldest.orElse(null));
  }

  public void reviewRan(boolean wasLate, Duration took) {
    (wasLate ? late : onTime).increment();
    reviewDuration.record(took);
  }
}
