package dev.earlybird.model;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Cumulative counters of one pg_stat_statements entry, as read. Times are milliseconds as PostgreSQL
 * reports them. Columns a server version does not have are 0 (and {@code statsSince} is null before 17).
 *
 * <p>{@code blkReadTimeMs}/{@code blkWriteTimeMs} are {@code blk_read_time}/{@code blk_write_time} before 17
 * and {@code shared_blk_read_time + local_blk_read_time} (resp. write) from 17 on.
 *
 * @param cpuMs user + system CPU time of execution, cumulative, as pg_stat_kcache measures it for the same
 *     statement key ({@code exec_user_time + exec_system_time}); empty when unknown: the extension is not usable
 *     on the target, or it has no entry for this statement (it is not 0, which would claim "no CPU used").
 *     pg_stat_kcache keeps its own entries: they are reset and evicted independently of pg_stat_statements'.
 */
public record Counters(
    long calls,
    double totalExecMs,
    double meanExecMs,
    double stddevExecMs,
    long rows,
    long sharedBlksHit,
    long sharedBlksRead,
    long sharedBlksDirtied,
    long sharedBlksWritten,
    long localBlksHit,
    long localBlksRead,
    long tempBlksRead,
    long tempBlksWritten,
    double blkReadTimeMs,
    double blkWriteTimeMs,
    double tempBlkReadTimeMs,
    double tempBlkWriteTimeMs,
    long plans,
    double totalPlanMs,
    long walRecords,
    long walFpi,
    long walBytes,
    double jitTotalMs,
    Instant statsSince,
    OptionalDouble cpuMs) {

  public Counters {
    java.util.Objects.requireNonNull(cpuMs, "cpuMs (use OptionalDouble.empty() when unknown)");
  }

  /**
   * Sum of squares of per-call execution times, reconstructed from mean, stddev and calls:
   * {@code calls * (stddev^2 + mean^2)}. pg_stat_statements keeps the population stddev, so this is exact up
   * to floating point, and it differences between snapshots like any other sum.
   */
  public double sumSquaresExecMs() {
    return calls * (stddevExecMs * stddevExecMs + meanExecMs * meanExecMs);
  }
}
