package dev.earlybird.source;

import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.util.List;
import java.util.Set;

/**
 * What {@link StatementDiff#between} found between two snapshots of one target: the intervals to store and
 * the bookkeeping a poller needs for logs, metrics and text fetching. All counts are of entries
 * (statement keys), never of calls.
 *
 * @param intervals one per statement that did something between the two reads, in no particular order;
 *     empty on first sight (previous snapshot unknown). Idle statements produce none.
 * @param reset pg_stat_statements was reset between the reads: {@code stats_reset} changed, or {@code
 *     dealloc} went down (the info view was reset), or more than half of the statements seen in both
 *     snapshots were re-created (the only hint on servers before 14, which lack pg_stat_statements_info)
 * @param newEntries statements created after the previous read (key absent from it, values sane); each was
 *     emitted with its whole counters. 0 on first sight, where nothing is known to be new.
 * @param vanishedEntries keys in the previous snapshot that are gone from the next: evicted (see {@code
 *     deallocated}) or reset. 0 on first sight.
 * @param recreatedEntries keys in both snapshots whose entry was deallocated and re-created, or reset, in
 *     between (counters went down, {@code stats_since} changed, or {@code stats_reset} changed); each was
 *     emitted with its counters since re-creation.
 * @param deallocated entries pg_stat_statements evicted between the reads, from the difference of {@code
 *     pg_stat_statements_info.dealloc} (its value since the reset if the info was reset); 0 when unknown
 *     (first sight, or a server before 14)
 * @param badValues entries skipped because a counter was NaN, infinite or negative; nothing was stored for
 *     them
 * @param newKeys keys present in the next snapshot and absent from the previous one, whatever their values;
 *     ALL keys of the next snapshot on first sight. The poller fetches query texts when this is not empty.
 */
public record DiffResult(
    List<StatementInterval> intervals,
    boolean reset,
    int newEntries,
    int vanishedEntries,
    int recreatedEntries,
    long deallocated,
    int badValues,
    Set<StatementKey> newKeys) {

  public DiffResult {
    intervals = List.copyOf(intervals);
    newKeys = Set.copyOf(newKeys);
    if (newEntries < 0 || vanishedEntries < 0 || recreatedEntries < 0 || deallocated < 0 || badValues < 0) {
      throw new IllegalArgumentException(
          "negative count: new=%d vanished=%d recreated=%d deallocated=%d bad=%d"
              .formatted(newEntries, vanishedEntries, recreatedEntries, deallocated, badValues));
    }
  }
}
