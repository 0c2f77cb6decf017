package dev.earlybird.model;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * What one statement did between two consecutive snapshots. Every field is a non-negative difference of
 * cumulative counters; {@code execSumSquaresMs} is the difference of {@link Counters#sumSquaresExecMs()},
 * from which the per-call variance of the interval follows ({@link #execVarianceMs2()}).
 *
 * @param cpuMs CPU time of execution measured by pg_stat_kcache in the interval; empty when unknown (the
 *     extension is absent, has no entry for the statement, or its entry was reset or re-created so that its share
 *     of this interval cannot be told). Never 0 for "unknown".
 */
public record StatementInterval(
    StatementKey key,
    Instant start,
    Instant end,
    long calls,
    double execMs,
    double execSumSquaresMs,
    long rows,
    long sharedBlksHit,
    long sharedBlksRead,
    long sharedBlksDirtied,
    long sharedBlksWritten,
    long localBlksHit,
    long localBlksRead,
    long tempBlksRead,
    long tempBlksWritten,
    double ioReadMs,
    double ioWriteMs,
    double tempIoMs,
    long plans,
    double planMs,
    long walRecords,
    long walFpi,
    long walBytes,
    double jitMs,
    OptionalDouble cpuMs) {

  public StatementInterval {
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("interval end " + end + " is before start " + start);
    }
    if (calls < 0 || execMs < 0) {
      throw new IllegalArgumentException("negative delta for " + key + ": calls=" + calls + " execMs=" + execMs);
    }
    if (cpuMs.isPresent() && !(cpuMs.getAsDouble() >= 0 && cpuMs.getAsDouble() < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("CPU delta for " + key + " is not a finite non-negative time: " + cpuMs);
    }
  }

  public double meanExecMs() {
    return PerCall.mean(calls, execMs);
  }

  /** Population variance of per-call execution time within the interval, never negative. */
  public double execVarianceMs2() {
    return PerCall.variance(calls, execMs, execSumSquaresMs);
  }

  /** Execution time not spent waiting on block IO: the CPU estimate when {@code track_io_timing} is on. */
  public double execMinusIoMs() {
    return Math.max(0, execMs - ioReadMs - ioWriteMs - tempIoMs);
  }
}
