package dev.earlybird.schedule;

import dev.earlybird.alert.Dispatcher;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the outbox dispatcher about once a second on a platform thread of its own (the store's reads are native
 * calls; the receivers' timeouts bound each attempt). A round that fails is logged once and retried.
 */
public final class DispatchLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);
  static final Duration TICK = Duration.ofSeconds(1);

  private final Dispatcher dispatcher;
  private volatile boolean running;
  private Thread thread;
  private String lastError;

  /** Whether this agent delivers now: replicas sharing a store leave it to the one holding shard 0. */
  private final BooleanSupplier leads;

  public DispatchLoop(Dispatcher dispatcher) {
    this(dispatcher, () -> true);
  }

  /** @param leads whether this agent delivers the fleet's alerts now (it holds shard 0); read at each tick */
  public DispatchLoop(Dispatcher dispatcher, BooleanSupplier leads) {
    this.dispatcher = dispatcher;
    this.leads = leads;
  }

  @Override
  public String name() {
    return "alert delivery";
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("alert-dispatch").start(() -> {
      while (running) {
        try {
          if (leads.getAsBoolean()) {
            dispatcher.round();
          }
          lastError = null;
        } catch (RuntimeException e) {
          if (!String.valueOf(e.getMessage()).equals(lastError)) {
            log.error("alert delivery: {}; will retry", e.getMessage(), e);
            lastError = String.valueOf(e.getMessage());
          }
        }
        LockSupport.parkNanos(TICK.toNanos());
      }
    });
  }

  @Override
  public Stopped stop(Duration deadline) {
    running = false;
    return Stopped.joining(thread, deadline);
  }
}
