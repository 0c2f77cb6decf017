/**
 * The records every stage shares: statement keys, cumulative counters, snapshots, intervals, server and
 * database facts. No I/O and no dependencies but the JDK, so any package may import it.
 */
package dev.earlybird.model;
