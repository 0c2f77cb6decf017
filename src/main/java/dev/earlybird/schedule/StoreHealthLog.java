package dev.earlybird.schedule;

import dev.earlybird.config.Durations;
import dev.earlybird.history.StoreHealth;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line when the history store starts failing and one when it writes again, never one per write. */
public final class StoreHealthLog implements StoreHealth.Listener {
  private static final Logger log = LoggerFactory.getLogger(StoreHealthLog.class);

  @Override
  public void failing(String problem) {
    log.error("history store cannot write; polls go on but are not stored, and /-/ready answers 503 until it "
        + "writes again (it retries every poll; free disk space if it is full): {}", problem);
  }

  @Override
  public void recovered(Duration after, long failedWrites) {
    log.info("history store writes again after {} and {} failed write(s); each target's next poll stores the "
        + "intervals that were missed", Durations.format(after), failedWrites);
  }
}
