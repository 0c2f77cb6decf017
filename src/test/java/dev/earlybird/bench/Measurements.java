package dev.earlybird.bench;

import dev.earlybird.source.postgres.SnapshotRead;

/**
 * Per-round samples of the measured rounds: the raw read, the agent's poll (probed in steady state) and where its time
 * went, and the same poll reading every entry whole (as before the probe), through a source of its own.
 */
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
  final Samples fullPollMs;
  final Samples fullPollBytes;
  final Samples fullSnapshotMs;
  final Samples countersRead;
  /** Measured polls that probed and read only the changed entries' counters. */
  int probed;

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
    fullPollMs = new Samples("full-read poll ms", "fullPollMs", rounds);
    fullPollBytes = new Samples("full-read poll bytes", "fullPollBytes", rounds);
    fullSnapshotMs = new Samples("full-read snapshot() ms", "fullSnapshotMs", rounds);
    countersRead = new Samples("counter rows read per poll", "countersRead", rounds);
  }

  void add(PollBench.SteadyPoll.Timing t) {
    pollMs.add(t.pollMs());
    snapshotMs.add(t.snapshotMs());
    diffMs.add(t.diffMs());
    storeMs.add(t.storeMs());
    statsMs.add(t.statsMs());
    intervals.add(t.intervals());
    newKeys.add(t.newKeys());
    countersRead.add(t.read().countersRead());
    if (t.read().kind() == SnapshotRead.Kind.PROBED) {
      probed++;
    }
  }

  void addFull(PollBench.SteadyPoll.Timing t) {
    fullPollMs.add(t.pollMs());
    fullSnapshotMs.add(t.snapshotMs());
  }

  int rounds() {
    return Math.min(rawMs.size(), Math.min(pollMs.size(), fullPollMs.size()));
  }
}
