package dev.earlybird.history;

/**
 * Where intervals, rollups, texts and per-target state live: every role of the store in one, for the composition
 * root; a part of the agent that needs one role takes that role. Writes come from ONE thread (see {@link
 * HistoryWriter}); reads may run concurrently from any thread. Failures are {@link HistoryException}.
 */
public interface HistoryStore
    extends PollWrites, FindingStore, PinnedBaselineStore, CloudWatchStore, PerformanceInsightsStore, StatementReads,
        StoreUpkeep, ShardClaims, AutoCloseable {
  @Override
  void close();
}
