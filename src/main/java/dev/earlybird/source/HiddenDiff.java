package dev.earlybird.source;

import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.HiddenEntries.Group;
import dev.earlybird.model.HiddenEntries.Totals;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.util.List;
import java.util.Map;

/**
 * The work of hidden entries (other roles' statements, see {@link HiddenEntries}) between two snapshots: a lower
 * bound, never an invented number. Hidden entries cannot be told apart, so they are compared per group: a group that
 * grew contributes its growth; a group that shrank (an entry evicted or reset) contributes nothing, since the part
 * that was lost cannot be separated from the part that is new; a group absent before was created within the interval
 * and contributes all of its counters. Pure, like {@link StatementDiff}.
 */
public final class HiddenDiff {
  private HiddenDiff() {}

  /** What hidden entries did between {@code before} (null: unknown, so nothing) and {@code now}. */
  public static Totals between(HiddenEntries before, HiddenEntries now) {
    if (before == null) {
      return Totals.ZERO;
    }
    long calls = 0;
    double execMs = 0;
    for (Map.Entry<Group, Totals> e : now.groups().entrySet()) {
      Totals was = before.groups().get(e.getKey());
      Totals is = e.getValue();
      if (was == null) {
        calls += is.calls();
        execMs += is.execMs();
      } else if (is.calls() >= was.calls() && is.execMs() >= was.execMs()) {
        calls += is.calls() - was.calls();
        execMs += is.execMs() - was.execMs();
      }
    }
    return new Totals(calls, execMs);
  }

  /**
   * {@code diff} without the intervals of statements that were hidden in the previous snapshot and are visible now
   * (the role was granted {@code pg_read_all_stats}): they look new, but their counters hold everything they did while
   * hidden, which no interval may claim. Like first sight, they count from the next poll on. A statement of such a
   * group that really was created within the interval is dropped too: less, never more.
   */
  public static DiffResult withoutRevealed(DiffResult diff, HiddenEntries before) {
    if (before == null || before.groups().isEmpty()) {
      return diff;
    }
    List<StatementInterval> kept = diff.intervals().stream()
        .filter(i -> !(diff.newKeys().contains(i.key()) && before.groups().containsKey(groupOf(i.key()))))
        .toList();
    if (kept.size() == diff.intervals().size()) {
      return diff;
    }
    return new DiffResult(kept, diff.reset(), diff.newEntries(), diff.vanishedEntries(), diff.recreatedEntries(),
        diff.deallocated(), diff.badValues(), diff.newKeys());
  }

  private static Group groupOf(StatementKey key) {
    return new Group(key.dbId(), key.userId(), key.toplevel());
  }
}
