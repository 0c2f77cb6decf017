package dev.earlybird.history;

/**
 * One statement of the hot list, per (target, database, queryId), summed over users and nesting levels.
 *
 * @param database null when the database oid is not (yet) known from {@code pg_database}
 * @param family null until the text was fetched
 * @param query null until the text was fetched
 * @param usage the window's sums, with Performance Insights' CPU attached where PI covered the statement
 * @param targetRank 1-based rank by CPU among all the target's statements in the window ({@link CpuRank}, the
 *     ranking the analysis uses too); 0 where the read did not rank (a pinned baseline's copy)
 */
public record HotQueryRow(
    String target, String database, long dbId, long queryId, String family, String query, Usage usage,
    int targetRank) {
  /** A row without a rank. */
  public HotQueryRow(String target, String database, long dbId, long queryId, String family, String query,
      Usage usage) {
    this(target, database, dbId, queryId, family, query, usage, 0);
  }

  public long calls() {
    return usage.calls();
  }

  public double execMs() {
    return usage.execMs();
  }

  public double ioMs() {
    return usage.ioMs();
  }

  public double execMinusIoMs() {
    return usage.execMinusIoMs();
  }

  public long rows() {
    return usage.rows();
  }

  public long sharedBlksHit() {
    return usage.sums().sharedBlksHit();
  }

  public long sharedBlksRead() {
    return usage.sums().sharedBlksRead();
  }

  public long tempBlksWritten() {
    return usage.sums().tempBlksWritten();
  }

  public double planMs() {
    return usage.sums().planMs();
  }

  public double meanMs() {
    return usage.meanExecMs();
  }
}
