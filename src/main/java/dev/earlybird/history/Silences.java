package dev.earlybird.history;

import java.time.Instant;
import java.util.List;

/** Silences, created and deleted through the API with the token. */
public interface Silences {
  void add(Silence silence);

  /** @return false if there was no such silence */
  boolean delete(String id);

  /** Silences that have not ended by {@code now}, earliest end first. */
  List<Silence> current(Instant now);
}
