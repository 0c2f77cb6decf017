package dev.earlybird.history;

import java.util.OptionalDouble;

/**
 * A Performance Insights digest that joined to no pg_stat_statements entry, summed over a read window.
 *
 * @param dbId PI's {@code db_id}: a queryid pg_stat_statements no longer (or not yet) has, or a synthetic
 *     {@code pi-...} id
 * @param calls from PI's calls per second, when PI had it for every window
 * @param meanMs from PI's latency per call, weighted by calls
 */
public record PiOnlyRow(String target, String tokenizedId, String dbId, String statement, double loadMs,
    double cpuMs, OptionalDouble calls, OptionalDouble meanMs) {}
