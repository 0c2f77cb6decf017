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
    rawMs = new Samples("raw read ms", "rawMs", rounds);
    rawBytes = new Samples("raw read bytes", "rawBytes", rounds);
    pollMs = new Samples("poll ms", "pollMs", rounds);
    pollBytes = new Samples("poll bytes", "pollBytes", rounds);
    snapshotMs = new Samples("snapshot() ms", "snapshotMs", rounds);
    diffMs = new Samples("StatementDiff.between ms", "diffMs", rounds);
    storeMs = new Samples("recordPoll via HistoryWriter ms", "storeMs", rounds);
    statsMs = new Samples("store.stats() ms", "statsMs", rounds);
    intervals = new Samples("intervals per poll", "intervals", rounds);
    newKeys = new Samples("new keys per poll", "newKeys", rounds);
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
