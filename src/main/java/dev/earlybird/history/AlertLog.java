package dev.earlybird.history;

import java.util.List;
import java.util.Optional;

/** The alerts raised, firing and resolved. Writes come with their notifications ({@link AlertWrites}). */
public interface AlertLog {
  /** Stores alert changes and their notifications in one transaction. */
  void record(AlertWrites writes);

  /**
   * Newest first.
   *
   * @param firing empty: all; true: firing only; false: resolved only
   */
  List<AlertRecord> alerts(Optional<Boolean> firing, int limit);

  /** Firing alerts of one finding (by fingerprint), at any stage. */
  List<AlertRecord> firing(String fingerprint);
}
