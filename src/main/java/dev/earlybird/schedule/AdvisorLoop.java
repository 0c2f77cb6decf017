package dev.earlybird.schedule;

import dev.earlybird.config.Durations;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tuning advisor's passes, one every {@code advisor.interval}, on a platform thread of its own (plan capture
 * and catalog reads wait on the monitored servers; the analysis and the polls never wait for them). A failed pass is
 * logged once and tried again at the next interval.
 */
public final class AdvisorLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(AdvisorLoop.class);

  private final AdvisorPass pass;
  private final Duration interval;
  private volatile boolean running;
  private Thread thread;
  private String lastError;

  /** Whether this agent advises now: replicas sharing a store leave it to the one holding shard 0. */
  private final BooleanSupplier leads;

  public AdvisorLoop(AdvisorPass pass, Duration interval) {
    this(pass, interval, () -> true);
  }

  /**
   * @param leads whether this agent advises the fleet now (it holds shard 0, so the analysis that reads the
   *     advisor's judgements runs here too); read at each pass
   */
  public AdvisorLoop(AdvisorPass pass, Duration interval, BooleanSupplier leads) {
    this.pass = pass;
    this.interval = interval;
    this.leads = leads;
  }

  @Override
  public String name() {
    return "advisor";
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("advisor").start(this::loop);
  }

  private void loop() {
    while (running) {
      long started = System.nanoTime();
      try {
        if (leads.getAsBoolean()) {
          pass.run(() -> running);
        }
        lastError = null;
      } catch (RuntimeException e) {
        if (!String.valueOf(e.getMessage()).equals(lastError)) {
          log.error("advisor pass failed; will try again in {}: {}", Durations.format(interval), e.getMessage(), e);
          lastError = String.valueOf(e.getMessage());
        }
      }
      long rest = interval.toNanos() - (System.nanoTime() - started);
      if (running && rest > 0) {
        LockSupport.parkNanos(rest);
      }
    }
    pass.close();
  }

  /** Stops after the statement in flight (each is bounded by the advisor's statement timeout). */
  @Override
  public Stopped stop(Duration deadline) {
    running = false;
    if (thread == null) {
      pass.close();
    }
    return Stopped.joining(thread, deadline);
  }
}
