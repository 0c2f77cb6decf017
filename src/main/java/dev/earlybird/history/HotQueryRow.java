package dev.earlybird.history;

/**
 * One statement of the hot list, per (target, database, queryId), summed over users and nesting levels.
 *
 * @param database null when the database oid is not (yet) known from {@code pg_database}
 * @param family null until the text was fetched
 * @param query null until the text was fetched
 */
public record HotQueryRow(
    String target, String database, long dbId, long queryId, String family, String query, Usage usage) {
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
    return usage.sharedBlksHit();
  }

  public long sharedBlksRead() {
    return usage.sharedBlksRead();
  }

  public long tempBlksWritten() {
    return usage.tempBlksWritten();
  }

  public double planMs() {
    return usage.planMs();
  }

  public double meanMs() {
    return usage.meanExecMs();
  }
}
