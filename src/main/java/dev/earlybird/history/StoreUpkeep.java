package dev.earlybird.history;

import java.time.Instant;

/**
 * The store itself: rollups and retention, its size and health.
 */
public interface StoreUpkeep {
  /** Rolls completed hours/days up (incrementally, idempotently) and applies retention. */
  void maintain(Instant now, Retention retention);

  StoreStats stats();

  /** Bytes the store takes on disk; cheap (no query), for a metric updated every poll. */
  long fileSizeBytes();

  /** Whether the store writes (a full disk makes it fail until space returns); for readiness, metrics and logs. */
  StoreHealth health();
}
