package dev.earlybird.model;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Cumulative counters of all pg_stat_statements entries of one target at one instant.
 *
 * @param takenAt when the read happened (server's {@code now()} if available, else the agent's clock)
 * @param statsReset {@code pg_stat_statements_info.stats_reset} (14+); empty before 14
 * @param dealloc {@code pg_stat_statements_info.dealloc} (14+); empty before 14
 */
public record Snapshot(
    String target,
    Instant takenAt,
    Optional<Instant> statsReset,
    OptionalLong dealloc,
    Map<StatementKey, Counters> entries) {
  public Snapshot {
    entries = Map.copyOf(entries);
  }
}
