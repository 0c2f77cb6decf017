package dev.earlybird.schedule;

import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.Retention;
import dev.earlybird.history.StoreWriteException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rolls up and prunes the history store periodically, through the single writer. */
public final class Maintenance implements Loop {
  private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

  private final HistoryWriter writer;
  private final Retention retention;
  private final InstantSource clock;
  private final Duration every;
  private volatile boolean running;
  private Thread thread;

  public Maintenance(HistoryWriter writer, Retention retention, InstantSource clock, Duration every) {
    this.writer = writer;
    this.retention = retention;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public String name() {
    return "store maintenance";
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofVirtual().name("store-maintenance").start(this::loop);
  }

  private void loop() {
    while (running) {
      LockSupport.parkNanos(every.toNanos());
      if (!running) {
        return;
      }
      try {
        writer.submit(s -> s.maintain(clock.instant(), retention)).join();
      } catch (RuntimeException e) {
        if (StoreWriteException.isCause(e)) {
          log.debug("history store maintenance failed; will retry: {}", e.getMessage()); // the store said so once
        } else {
          log.error("history store maintenance failed; will retry: {}", e.getMessage(), e);
        }
      }
    }
  }

  /** Stops scheduling; a maintenance run in flight is left to the writer, which runs what was queued. */
  @Override
  public Stopped stop(Duration deadline) {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
    return Stopped.inTime(true);
  }
}
