package dev.earlybird.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The tuning advisor's own work: statements planned or skipped (they cannot be planned: a utility statement, a cut
 * text, …), reads that failed per target by reason, and how long a pass takes. Labels are bounded: targets, two
 * outcomes, the fixed set of error reasons.
 */
public final class AdvisorMetrics {
  public static final String PLANNED = "planned";
  public static final String SKIPPED = "skipped";

  private final AgentMetrics metrics;
  private final Timer pass;

  public AdvisorMetrics(AgentMetrics metrics) {
    this.metrics = metrics;
    pass = Timer.builder("earlybird.advisor.pass.duration")
        .description("Time one advisor pass takes over the fleet (plans, catalogs, HypoPG, settings)")
        .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
            Duration.ofMinutes(5))
        .register(metrics.registry());
  }

  /** @param outcome {@link #PLANNED} or {@link #SKIPPED} */
  public void plan(String target, String outcome) {
    Counter.builder("earlybird.advisor.plans")
        .description("Statements the advisor tried to plan: planned, or skipped (cannot be planned; the reason is on "
            + "the statement's page)")
        .tags("target", target, "outcome", outcome).register(metrics.registry()).increment();
  }

  /** @param reason the error's classified reason ({@code connect}, {@code timeout}, {@code permission}, …) */
  public void error(String target, String reason) {
    Counter.builder("earlybird.advisor.errors")
        .description("Advisor reads of a target that failed, by reason; the target is tried again at the next pass")
        .tags("target", target, "reason", reason).register(metrics.registry()).increment();
  }

  public void pass(Duration took) {
    pass.record(took);
  }
}
