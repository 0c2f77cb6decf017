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

  /** What an alert is now: {@code silenced} alerts fire, but a silence keeps them from their receivers. */
  enum State {
    FIRING("firing AND silenced_by IS NULL"),
    SILENCED("firing AND silenced_by IS NOT NULL"),
    RESOLVED("NOT firing");

    final String sql;

    State(String sql) {
      this.sql = sql;
    }
  }

  /**
   * A page of alerts, newest change first; the key of a row is its {@link AlertRecord#updatedAt} and {@code
   * fingerprint:stage}. An alert that changes while someone pages moves to the top.
   *
   * @param state empty: all
   */
  List<AlertRecord> page(Optional<State> state, Optional<Keyset> from, int limit);

  /** Firing alerts of one finding (by fingerprint), at any stage. */
  List<AlertRecord> firing(String fingerprint);
}
