package dev.earlybird.source.postgres;

import dev.earlybird.model.HiddenEntries;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Sums hidden entries (NULL queryid) per group, the same whatever order the rows come in: a full read gets them in
 * pg_stat_statements' order, the probe grouped by the server (which may sort), and floating-point sums depend on
 * order. Each group's execution times are added smallest first, so both reads give bit-identical totals and the
 * difference between two polls is never an artefact of rounding.
 */
final class HiddenSums {
  private final Map<HiddenEntries.Group, Group> groups = new HashMap<>();
  private int entries;

  private static final class Group {
    long calls;
    double[] execMs = new double[4];
    int n;

    void add(long c, double ms) {
      calls += c;
      if (n == execMs.length) {
        execMs = Arrays.copyOf(execMs, n * 2);
      }
      execMs[n++] = ms;
    }

    HiddenEntries.Totals totals() {
      Arrays.sort(execMs, 0, n);
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += execMs[i];
      }
      return new HiddenEntries.Totals(calls, sum);
    }
  }

  /** Counts a hidden entry; one with nonsense counters is counted but adds nothing to its group. */
  void add(long dbId, long userId, boolean toplevel, long calls, double execMs) {
    entries++;
    if (calls < 0 || !(execMs >= 0) || Double.isInfinite(execMs)) {
      return;
    }
    groups.computeIfAbsent(new HiddenEntries.Group(dbId, userId, toplevel), g -> new Group()).add(calls, execMs);
  }

  HiddenEntries result() {
    if (entries == 0) {
      return HiddenEntries.NONE;
    }
    var totals = HashMap.<HiddenEntries.Group, HiddenEntries.Totals>newHashMap(groups.size());
    groups.forEach((g, acc) -> totals.put(g, acc.totals()));
    return new HiddenEntries(entries, totals);
  }
}
