package dev.earlybird.bench;

/** Per-round samples of the measured rounds: the raw read, the poll, and where the poll's time went. */
final class Measurements {
  final Samples rawMs;
  final Samples rawBytes;
  final Samples pollMs;
  final Samples pollBytes;
  final Samples snapshotMs;
  final Samples diffMs;
  final Samples storeMs;
  final Samples statsMs;
  final Samples intervals;
  final Samples newKeys;

  Measurements(int rounds) {
    rawMs = new Samples("raw read ms", rounds);
    rawBytes = new Samples("raw read bytes", rounds);
    pollMs = new Samples("poll ms", rounds);
    pollBytes = new Samples("poll bytes", rounds);
    snapshotMs = new Samples("snapshot() ms", rounds);
    diffMs = new Samples("StatementDiff.between ms", rounds);
    storeMs = new Samples("recordPoll via HistoryWriter ms", rounds);
    statsMs = new Samples("store.stats() ms", rounds);
    intervals = new Samples("intervals per poll", rounds);
    newKeys = new Samples("new keys per poll", rounds);
  }

  void add(PollBench.SteadyPoll.Timing t) {
    pollMs.add(t.pollMs());
    snapshotMs.add(t.snapshotMs());
    diffMs.add(t.diffMs());
    storeMs.add(t.storeMs());
    statsMs.add(t.statsMs());
    intervals.add(t.intervals());
    newKeys.add(t.newKeys());
  }

  int rounds() {
    return Math.min(rawMs.size(), pollMs.size());
  }
}
