package dev.earlybird.history;

import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Severity;
import java.time.Instant;
import java.util.Optional;

/**
 * Filters of a findings read; empty means any. Pending findings are never returned to readers.
 *
 * @param seek where a page starts: after (or before) the finding a neighbouring page ended (began) with, in the
 *     read's order; empty for the first page
 * @param limit rows read at most
 */
public record FindingFilter(
    Optional<FindingKind> kind,
    Optional<FindingState> state,
    Optional<String> target,
    Optional<String> tenant,
    Optional<Severity> severity,
    Optional<Seek> seek,
    int limit) {
  public FindingFilter(
      Optional<FindingKind> kind, Optional<FindingState> state, Optional<String> target, Optional<String> tenant,
      int limit) {
    this(kind, state, target, tenant, Optional.empty(), Optional.empty(), limit);
  }

  public static FindingFilter all() {
    return new FindingFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1000);
  }

  /**
   * A position in the findings' order (state, severity, last seen newest first, id): the id makes it unique, so a
   * page never repeats or skips a finding that stays where it was, whatever is inserted meanwhile.
   *
   * @param before the rows before this position (a previous page), else the rows after it
   */
  public record Seek(FindingState state, Severity severity, Instant lastSeen, String id, boolean before) {}
}
