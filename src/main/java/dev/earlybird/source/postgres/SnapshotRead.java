package dev.earlybird.source.postgres;

/**
 * How {@link PgStatStatementsSource#snapshot()} read the counters, for the bench, the tests and a DBA wondering what
 * the agent costs: every entry whole, or a probe of all entries and whole counters for the changed ones only.
 *
 * @param kind which read
 * @param entries visible entries in the snapshot
 * @param changed entries whose counters differ from the previous read (or are new); -1 when there was none to compare
 * @param countersRead rows of full counters fetched (hidden entries included)
 */
public record SnapshotRead(Kind kind, int entries, int changed, int countersRead) {
  public enum Kind {
    /** One round trip: header and every entry's counters (the first poll, or after heavy churn). */
    FULL,
    /** Header and probe, then the counters of the changed entries only. */
    PROBED,
    /** Header and probe, then every entry's counters: the probe found too many changed (e.g. after a reset). */
    PROBED_THEN_FULL
  }
}
