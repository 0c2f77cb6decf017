package dev.earlybird.model;

import java.time.Instant;

/**
 * What the agent knows right now about one target, as the pollers last saw it. Served from memory by
 * {@code /api/v1/targets} and the fleet page.
 *
 * @param lastPollAt last successful poll, null if none yet
 * @param serverVersion e.g. "17.4", null until first connected
 * @param statements pg_stat_statements entries in the last snapshot
 * @param lastError the last poll's error (safe to show: never contains secrets), null when the last poll worked
 * @param trackIoTiming whether the server times block IO; decides how CPU is estimated
 * @param degraded why the last successful poll's data is incomplete (safe to show, says how to fix it), null when
 *     it is complete
 * @param hiddenStatements entries of the last snapshot the agent's role could not identify (see {@link
 *     HiddenEntries})
 */
public record TargetStatus(
    String name,
    boolean up,
    Instant lastPollAt,
    String serverVersion,
    int statements,
    String lastError,
    boolean trackIoTiming,
    String degraded,
    int hiddenStatements) {

  public static TargetStatus unknown(String name) {
    return new TargetStatus(name, false, null, null, 0, null, false, null, 0);
  }
}
