package dev.earlybird.history;

import dev.earlybird.model.CounterValues;
import dev.earlybird.model.PerCall;
import java.util.OptionalDouble;

/**
 * Sums of interval deltas over some set of intervals (a poll, an hour, a window). Sums of squares are kept
 * so that mean and variance of per-call execution time follow for any aggregate.
 *
 * @param intervals how many intervals were summed
 * @param sums every counter summed over them
 * @param cpuMs pg_stat_kcache's CPU time summed over the {@code cpuIntervals} intervals that had a figure; see
 *     {@link #knownCpuMs()} for the CPU time of the whole aggregate
 * @param ioTimedIntervals how many of the intervals were polled while the server had {@code track_io_timing} on;
 *     see {@link #ioTimed()}
 * @param piCpuMs Performance Insights' CPU time of the statement over the aggregate's window, when PI covered it
 *     (the store does not sum it into rollups: it is attached to a window's aggregate after the read)
 */
public record Usage(
    long intervals,
    CounterValues sums,
    double cpuMs,
    long cpuIntervals,
    long ioTimedIntervals,
    OptionalDouble piCpuMs) {

  /** Nothing summed: no intervals. */
  public static final Usage NONE = new Usage(0, CounterValues.ZERO, 0, 0, 0);

  public Usage {
    java.util.Objects.requireNonNull(sums, "sums");
    java.util.Objects.requireNonNull(piCpuMs, "piCpuMs");
  }

  /** Sums as stored, without a Performance Insights figure. */
  public Usage(long intervals, CounterValues sums, double cpuMs, long cpuIntervals, long ioTimedIntervals) {
    this(intervals, sums, cpuMs, cpuIntervals, ioTimedIntervals, OptionalDouble.empty());
  }

  /** The sums of both aggregates, without a Performance Insights figure (PI is attached per window after a read). */
  public Usage plus(Usage b) {
    return new Usage(
        intervals + b.intervals,
        sums.plus(b.sums),
        cpuMs + b.cpuMs,
        cpuIntervals + b.cpuIntervals,
        ioTimedIntervals + b.ioTimedIntervals);
  }

  /** The same sums with Performance Insights' CPU time of the same window attached. */
  public Usage withPiCpuMs(double ms) {
    return new Usage(intervals, sums, cpuMs, cpuIntervals, ioTimedIntervals, OptionalDouble.of(Math.max(0, ms)));
  }

  public long calls() {
    return sums.calls();
  }

  public long rows() {
    return sums.rows();
  }

  public double execMs() {
    return sums.execMs();
  }

  public double execSumSquaresMs() {
    return sums.execSumSquaresMs();
  }

  /**
   * pg_stat_kcache's CPU time of the whole aggregate: present only when every interval in it had a figure, since a
   * sum over some of them would undercount without saying so.
   */
  public OptionalDouble knownCpuMs() {
    return intervals > 0 && cpuIntervals == intervals ? OptionalDouble.of(cpuMs) : OptionalDouble.empty();
  }

  /**
   * Whether every interval of the aggregate was polled with {@code track_io_timing} on, so that execution minus IO
   * time estimates CPU for all of it. The fact stored with each interval decides, never the target's setting now.
   */
  public boolean ioTimed() {
    return intervals > 0 && ioTimedIntervals == intervals;
  }

  /** Block read + write + temp IO time. */
  public double ioMs() {
    return sums.ioMs();
  }

  /** CPU estimate when track_io_timing is on; clamped on the aggregate, not per interval. */
  public double execMinusIoMs() {
    return Math.max(0, sums.execMs() - ioMs());
  }

  public double meanExecMs() {
    return PerCall.mean(sums.calls(), sums.execMs());
  }

  /** Population variance of per-call execution time over the aggregate, never negative. */
  public double execVarianceMs2() {
    return PerCall.variance(sums.calls(), sums.execMs(), sums.execSumSquaresMs());
  }
}
