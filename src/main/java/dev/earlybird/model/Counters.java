package dev.earlybird.model;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Cumulative counters of one pg_stat_statements entry, as read. Times are milliseconds as PostgreSQL reports them.
 * Columns a server version does not have are 0 (and {@code statsSince} is null before 17).
 *
 * <p>{@code values} holds every {@link Counter} cumulatively; {@link Counter#IO_READ_MS}/{@link Counter#IO_WRITE_MS}
 * are {@code blk_read_time}/{@code blk_write_time} before 17 and {@code shared_blk_read_time + local_blk_read_time}
 * (resp. write) from 17 on. The two counters pg_stat_statements does not have are derived here from what it has,
 * which is also what {@code last_snapshot_entry} keeps: {@link Counter#EXEC_SUMSQ_MS} from calls, mean and stddev,
 * {@link Counter#TEMP_IO_MS} from the temp block read and write times (whatever {@code values} held for them).
 *
 * @param meanExecMs mean_exec_time: not cumulative, may go either way
 * @param stddevExecMs stddev_exec_time (population): not cumulative
 * @param tempBlkReadTimeMs temp_blk_read_time (0 before 15)
 * @param tempBlkWriteTimeMs temp_blk_write_time (0 before 15)
 * @param cpuMs user + system CPU time of execution, cumulative, as pg_stat_kcache measures it for the same
 *     statement key ({@code exec_user_time + exec_system_time}); empty when unknown: the extension is not usable
 *     on the target, or it has no entry for this statement (it is not 0, which would claim "no CPU used").
 *     pg_stat_kcache keeps its own entries: they are reset and evicted independently of pg_stat_statements'.
 */
public record Counters(
    CounterValues values,
    double meanExecMs,
    double stddevExecMs,
    double tempBlkReadTimeMs,
    double tempBlkWriteTimeMs,
    Instant statsSince,
    OptionalDouble cpuMs) {

  public Counters {
    java.util.Objects.requireNonNull(values, "values");
    java.util.Objects.requireNonNull(cpuMs, "cpuMs (use OptionalDouble.empty() when unknown)");
    values =
        values
            .with(Counter.EXEC_SUMSQ_MS, sumSquares(values.calls(), meanExecMs, stddevExecMs))
            .with(Counter.TEMP_IO_MS, tempBlkReadTimeMs + tempBlkWriteTimeMs);
  }

  /**
   * Sum of squares of per-call execution times, reconstructed from mean, stddev and calls:
   * {@code calls * (stddev^2 + mean^2)}. pg_stat_statements keeps the population stddev, so this is exact up
   * to floating point, and it differences between snapshots like any other sum.
   */
  private static double sumSquares(long calls, double mean, double stddev) {
    return calls * (stddev * stddev + mean * mean);
  }

  public long calls() {
    return values.calls();
  }

  public long plans() {
    return values.plans();
  }

  public double totalExecMs() {
    return values.execMs();
  }

  public double totalPlanMs() {
    return values.planMs();
  }

  public double sumSquaresExecMs() {
    return values.execSumSquaresMs();
  }

  /** Finite and non-negative everywhere, including mean, stddev and the reconstructed sum of squares. */
  public boolean isSane() {
    return values.isSane()
        && CounterValues.nonNegative(meanExecMs)
        && CounterValues.nonNegative(stddevExecMs)
        && CounterValues.nonNegative(tempBlkReadTimeMs)
        && CounterValues.nonNegative(tempBlkWriteTimeMs);
  }

  /**
   * Whether a counter that only grows while the entry lives is lower than in {@code before}: the entry was re-created
   * (mean and stddev are not cumulative, so they may drop).
   */
  public boolean anyBelow(Counters before) {
    return values.anyBelow(before.values)
        || tempBlkReadTimeMs < before.tempBlkReadTimeMs
        || tempBlkWriteTimeMs < before.tempBlkWriteTimeMs;
  }

  /**
   * What the entry did since {@code before}, which the caller knows to be an earlier reading of the same life of it.
   * Temp IO time is the sum of the two time differences, as it has been stored since schema 1 (the difference of the
   * sums may differ in the last bit).
   */
  public CounterValues minus(Counters before) {
    return values
        .minus(before.values)
        .with(
            Counter.TEMP_IO_MS,
            (tempBlkReadTimeMs - before.tempBlkReadTimeMs) + (tempBlkWriteTimeMs - before.tempBlkWriteTimeMs));
  }
}
