package dev.earlybird.source;

import dev.earlybird.model.HiddenEntries;
import dev.earlybird.model.HiddenEntries.Group;
import dev.earlybird.model.HiddenEntries.Totals;
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
}
