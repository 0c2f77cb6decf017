package dev.earlybird.history;

/**
 * A statement whose per-call mean in a window is far above the median of its family (the same normalized SQL)
 * over the databases of the fleet that ran it.
 *
 * @param databases how many databases ran the family with enough calls
 */
public record OutlierRow(
    String target, long dbId, long queryId, String family, long calls, double meanMs, double medianMs, int databases) {}
