package dev.earlybird.history;

import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One poll of a target, stored atomically: its intervals, the snapshot that becomes the target's persisted
 * "last snapshot", and the poll's outcome. A failed poll has an error, no snapshot and no intervals (the
 * persisted snapshot stays the last good one, so the next good poll diffs against it: no gap).
 *
 * @param ioTimed whether the server had {@code track_io_timing} on when polled: stored with each interval, it decides
 *     how their CPU is estimated for as long as they are kept, whatever the setting is later
 * @param basis when the snapshot the intervals were diffed from was taken; empty when the poll did not diff (a failure,
 *     a first poll). On a shared store the write is refused unless that is still the target's stored snapshot: if
 *     another replica stored a poll meanwhile, these intervals would count its calls a second time.
 */
public record PollRecord(
    String target,
    Instant polledAt,
    Optional<Snapshot> snapshot,
    List<StatementInterval> intervals,
    Optional<String> error,
    boolean ioTimed,
    Optional<Instant> basis) {

  public PollRecord {
    intervals = List.copyOf(intervals);
    if (snapshot.isPresent() == error.isPresent()) {
      throw new IllegalArgumentException("a poll has either a snapshot or an error: " + target);
    }
    if (error.isPresent() && !intervals.isEmpty()) {
      throw new IllegalArgumentException("a failed poll has no intervals: " + target);
    }
    snapshot.ifPresent(
        s -> {
          if (!s.target().equals(target)) {
            throw new IllegalArgumentException("snapshot of " + s.target() + " recorded for " + target);
          }
        });
  }

  /**
   * A good poll.
   *
   * @param basis when the snapshot it diffed from was taken; null when it did not diff
   */
  public static PollRecord success(
      Snapshot snapshot, List<StatementInterval> intervals, boolean ioTimed, Instant basis) {
    return new PollRecord(snapshot.target(), snapshot.takenAt(), Optional.of(snapshot), intervals, Optional.empty(),
        ioTimed, Optional.ofNullable(basis));
  }

  /** A good poll whose basis is not checked (a lone agent's store, or one written only here). */
  public static PollRecord success(Snapshot snapshot, List<StatementInterval> intervals, boolean ioTimed) {
    return success(snapshot, intervals, ioTimed, null);
  }

  /** A poll of a server with {@code track_io_timing} off (or not known on): CPU is execution time. */
  public static PollRecord success(Snapshot snapshot, List<StatementInterval> intervals) {
    return success(snapshot, intervals, false);
  }

  public static PollRecord failure(String target, Instant polledAt, String error) {
    return new PollRecord(target, polledAt, Optional.empty(), List.of(), Optional.of(error), false, Optional.empty());
  }
}
