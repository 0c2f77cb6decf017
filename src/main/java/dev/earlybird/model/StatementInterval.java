package dev.earlybird.model;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * What one statement did between two consecutive snapshots. Every counter is a non-negative difference of cumulative
 * counters; {@link Counter#EXEC_SUMSQ_MS} is the difference of the reconstructed sums of squares, from which the
 * per-call variance of the interval follows ({@link #execVarianceMs2()}).
 *
 * @param cpuMs CPU time of execution measured by pg_stat_kcache in the interval; empty when unknown (the
 *     extension is absent, has no entry for the statement, or its entry was reset or re-created so that its share
 *     of this interval cannot be told). Never 0 for "unknown".
 */
public record StatementInterval(
    StatementKey key, Instant start, Instant end, CounterValues counters, OptionalDouble cpuMs) {

  public StatementInterval {
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("interval end " + end + " is before start " + start);
    }
    if (counters.calls() < 0 || counters.execMs() < 0) {
      throw new IllegalArgumentException(
          "negative delta for " + key + ": calls=" + counters.calls() + " execMs=" + counters.execMs());
    }
    if (cpuMs.isPresent() && !(cpuMs.getAsDouble() >= 0 && cpuMs.getAsDouble() < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("CPU delta for " + key + " is not a finite non-negative time: " + cpuMs);
    }
  }

  public long calls() {
    return counters.calls();
  }

  public double execMs() {
    return counters.execMs();
  }

  public double meanExecMs() {
    return PerCall.mean(counters.calls(), counters.execMs());
  }

  /** Population variance of per-call execution time within the interval, never negative. */
  public double execVarianceMs2() {
    return PerCall.variance(counters.calls(), counters.execMs(), counters.execSumSquaresMs());
  }

  /** Execution time not spent waiting on block IO: the CPU estimate when {@code track_io_timing} is on. */
  public double execMinusIoMs() {
    // Subtracted one by one, not as their sum: that is how intervals have always been estimated (the last bit may
    // differ from the sum's).
    return Math.max(
        0,
        counters.execMs()
            - counters.doubleValue(Counter.IO_READ_MS)
            - counters.doubleValue(Counter.IO_WRITE_MS)
            - counters.doubleValue(Counter.TEMP_IO_MS));
  }
}
