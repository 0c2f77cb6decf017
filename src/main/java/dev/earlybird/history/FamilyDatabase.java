package dev.earlybird.history;

/**
 * A family's statements in one database over a window, summed (usually one statement; the same SQL may have more
 * than one queryid).
 *
 * @param database null when the oid is not known by name
 * @param tenant null when the database is not known by name
 * @param queryId the statement of the family that ran longest there (the one a link opens)
 */
public record FamilyDatabase(
    String target, long dbId, String database, String tenant, long queryId, long calls, double execMs, double cpuMs) {
  public double meanMs() {
    return calls == 0 ? 0 : execMs / calls;
  }
}
