/**
 * The records every stage shares: statement keys, cumulative counters, snapshots, intervals, server and
 * database facts; and the pure functions on query texts every layer needs ({@link
 * dev.earlybird.model.QueryFamily}, {@link dev.earlybird.model.QueryTextRedactor}). No I/O and no dependencies but
 * the JDK, so any package may import it.
 */
package dev.earlybird.model;
