package dev.earlybird.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Silences, created, expired and deleted with the token (API and pages). */
public interface Silences {
  void add(Silence silence);

  /** @return false if there was no such silence */
  boolean delete(String id);

  /**
   * Ends a silence now; one that has not started yet silenced nothing and is removed.
   *
   * @return false if there was no such silence or it had ended
   */
  boolean expire(String id, Instant now);

  Optional<Silence> find(String id);

  /**
   * A page of silences; the key of a row is its {@link Silence#endsAt} and id.
   *
   * @param active true: those not ended by {@code now}, earliest end first; false: the ended ones, latest end first
   */
  List<Silence> page(boolean active, Instant now, Optional<Keyset> from, int limit);

  /** Silences that have not ended by {@code now}, earliest end first. */
  List<Silence> current(Instant now);
}
