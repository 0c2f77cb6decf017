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

  /**
   * Why data with these hidden entries is incomplete and how to fix it (safe to show), or null when nothing is hidden.
   *
   * @param visible the snapshot's entries the role could identify
   * @param role the agent's role ({@code current_user}), null if unknown
   */
  public String problem(int visible, String role) {
    if (entries == 0) {
      return null;
    }
    return entries + " of " + (entries + visible) + " pg_stat_statements entries belong to other roles and are hidden "
        + "from " + (role == null ? "the agent's role" : role) + " (NULL queryid): their work is left out of the "
        + "history and only counted in total (earlybird_hidden_calls_total). Fix: GRANT pg_read_all_stats TO "
        + (role == null ? "<role>" : sqlName(role)) + ";";
  }

  /** A role name as SQL needs it: bare when it is a plain lowercase identifier, else double-quoted. */
  private static String sqlName(String name) {
    return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
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
