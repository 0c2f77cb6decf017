package dev.earlybird.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a target that decide how much its statistics can tell, read by the advisor in the target's
 * connect database.
 *
 * @param trackPlanning {@code pg_stat_statements.track_planning}; empty when pg_stat_statements is not loaded
 * @param pgssMax {@code pg_stat_statements.max}; 0 when not loaded
 * @param pgssVersion the installed extension's version; null when not created
 * @param pgssDefaultVersion the version the server's binaries offer ({@code pg_available_extensions}); an installed
 *     version below it misses columns (ALTER EXTENSION pg_stat_statements UPDATE adds them)
 * @param dealloc entries evicted since {@code statsReset} because the table was full (PostgreSQL 14+; 0 before)
 * @param statsReset when pg_stat_statements_info was last reset; empty before 14
 */
public record ServerSettings(
    int serverVersionNum,
    boolean trackIoTiming,
    Optional<Boolean> trackPlanning,
    int pgssMax,
    String pgssVersion,
    String pgssDefaultVersion,
    long dealloc,
    Optional<Instant> statsReset) {

  public ServerSettings {
    Objects.requireNonNull(trackPlanning, "trackPlanning");
    Objects.requireNonNull(statsReset, "statsReset");
  }
}
