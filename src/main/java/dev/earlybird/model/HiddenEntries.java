package dev.earlybird.model;

import java.util.Map;

/**
 * The pg_stat_statements entries of one snapshot that the monitoring role may see counters of but not identify: other
 * roles' statements come with a NULL queryid (and no text) unless the role is a member of {@code pg_read_all_stats}.
 * They cannot be stored per statement, but their work is summed per database, user and nesting level, so that what
 * the agent misses is counted rather than silently dropped.
 *
 * @param entries hidden entries in the snapshot
 * @param groups cumulative calls and execution time of the hidden entries, per group
 */
public record HiddenEntries(int entries, Map<Group, Totals> groups) {
  public static final HiddenEntries NONE = new HiddenEntries(0, Map.of());

  public HiddenEntries {
    if (entries < 0) {
      throw new IllegalArgumentException("negative hidden entries: " + entries);
    }
    groups = Map.copyOf(groups);
  }

  /** The part of a statement key that pg_stat_statements still shows for a hidden entry. */
  public record Group(long dbId, long userId, boolean toplevel) {}

  /** Calls and execution time (ms); never negative. */
  public record Totals(long calls, double execMs) {
    public static final Totals ZERO = new Totals(0, 0);

    public Totals {
      if (calls < 0 || !(execMs >= 0) || Double.isInfinite(execMs)) {
        throw new IllegalArgumentException("hidden totals must be finite and non-negative: " + calls + ", " + execMs);
      }
    }

    public Totals plus(Totals other) {
      return new Totals(calls + other.calls, execMs + other.execMs);
    }
  }
}
