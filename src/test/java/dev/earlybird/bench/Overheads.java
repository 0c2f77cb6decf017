package dev.earlybird.bench;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Two costs inside the poll that the profile pointed at, re-enacted on the last two real snapshots with public
 * APIs only, so the report can put a number on them:
 *
 * <ul>
 *   <li>{@code copyMs}: {@code Snapshot}'s compact constructor copies the source's 10,000-entry HashMap with
 *       {@code Map.copyOf} on every poll;
 *   <li>{@code compareMs}: {@code SnapshotTable.persist} finds the changed entries by comparing every entry of
 *       the new snapshot with the stored one ({@code Counters.equals}), although the diff already walked them.
 * </ul>
 */
record Overheads(double copyMs, double compareMs, int changed) {
  static Overheads measure(Snapshot next, Snapshot previous) {
    if (next == null || previous == null) {
      return new Overheads(Double.NaN, Double.NaN, 0);
    }
    var copy = new Samples("copy", 20);
    var compare = new Samples("compare", 20);
    int changed = 0;
    for (int i = 0; i < 20; i++) {
      var source = new HashMap<StatementKey, Counters>(next.entries());
      long t0 = System.nanoTime();
      Map<StatementKey, Counters> copied = Map.copyOf(source);
      copy.add((System.nanoTime() - t0) / 1e6);
      long t1 = System.nanoTime();
      changed = 0;
      Map<StatementKey, Counters> old = previous.entries();
      for (var e : copied.entrySet()) {
        if (!e.getValue().equals(old.get(e.getKey()))) {
          changed++;
        }
      }
      compare.add((System.nanoTime() - t1) / 1e6);
    }
    return new Overheads(copy.median(), compare.median(), changed);
  }
}
