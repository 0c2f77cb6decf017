package dev.earlybird.history;

import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import java.util.Optional;

/** Filters of a findings read; empty means any. Pending findings are never returned to readers. */
public record FindingFilter(
    Optional<FindingKind> kind, Optional<FindingState> state, Optional<String> target, Optional<String> tenant, int limit) {
  public static FindingFilter all() {
    return new FindingFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1000);
  }
}
