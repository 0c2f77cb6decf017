package dev.earlybird.history;

/**
 * A poll the shared store refused because the target's stored snapshot is no longer the one the poll diffed from:
 * another replica polled the target meanwhile (it took the target's shard over, say). Nothing was written; the poller
 * reads the stored snapshot again and its next poll continues from there, so no call is counted twice.
 */
public final class SnapshotMovedException extends HistoryException {
  public SnapshotMovedException(String message) {
    super(message);
  }
}
