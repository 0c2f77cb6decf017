package dev.earlybird.analysis;

import dev.earlybird.history.Usage;
import dev.earlybird.model.StatementInterval;
import java.util.OptionalDouble;

/**
 * CPU attribution in layers (DESIGN decision 3): for one statement aggregate (an interval, or the sum of a
 * window's intervals), the most direct CPU figure there is, labelled with where it came from. The layers are
 * {@link CpuSource}'s constants in declaration order, most direct first; the first that has a figure wins:
 *
 * <ol>
 *   <li>{@code pg_stat_kcache}: measured user + system CPU, when known for the whole aggregate (every interval in it
 *       had a figure; a partial sum would undercount);
 *   <li>{@code performance_insights}: PI's CPU load of the statement (average active sessions on CPU x seconds),
 *       joined to the pg_stat_statements entry ({@code PiJoin}), when PI covered the whole window;
 *   <li>{@code exec_minus_io}: execution time minus block IO time, when every interval of the aggregate was polled
 *       while the server had {@code track_io_timing} on (otherwise IO time reads 0 for some of it and the difference
 *       would be execution time under another name). The fact is stored with each interval, so old data keeps the
 *       layer it had whatever the target's setting or state is now;
 *   <li>{@code exec_time}: execution time, an upper bound, always there.
 * </ol>
 *
 * <p>Pure: no I/O, no state.
 */
public final class CpuAttribution {
  private CpuAttribution() {}

  /**
   * The CPU figures one aggregate offers; each layer takes what it needs.
   *
   * @param execMinusIoMs execution minus IO time, clamped at 0 (over the aggregate, not per interval)
   * @param ioTimed whether all of the aggregate was polled with track_io_timing on
   * @param kcacheCpuMs pg_stat_kcache's CPU time, empty unless known for the whole aggregate
   * @param piCpuMs Performance Insights' CPU time, empty unless known for the whole aggregate's window
   */
  public record Evidence(
      double execMs, double execMinusIoMs, boolean ioTimed, OptionalDouble kcacheCpuMs, OptionalDouble piCpuMs) {
    public static Evidence of(Usage u) {
      return new Evidence(u.execMs(), u.execMinusIoMs(), u.ioTimed(), u.knownCpuMs(), u.piCpuMs());
    }

    /**
     * A single poll interval, as just polled from a server with {@code track_io_timing} on or off: PI's windows do
     * not line up with polls, so only kcache can be direct here.
     */
    public static Evidence of(StatementInterval i, boolean ioTimed) {
      return new Evidence(i.execMs(), i.execMinusIoMs(), ioTimed, i.cpuMs(), OptionalDouble.empty());
    }
  }

  /** A CPU figure and the layer it came from. */
  public record Cpu(double ms, CpuSource source) {}

  /** A stored aggregate, attributed by what was true when its intervals were polled. */
  public static Cpu of(Usage usage) {
    return of(Evidence.of(usage));
  }

  /** An interval just polled, from a server whose {@code track_io_timing} is {@code ioTimed}. */
  public static Cpu of(StatementInterval interval, boolean ioTimed) {
    return of(Evidence.of(interval, ioTimed));
  }

  public static Cpu of(Evidence e) {
    for (CpuSource source : CpuSource.values()) {
      OptionalDouble ms = figure(source, e);
      if (ms.isPresent()) {
        return new Cpu(ms.getAsDouble(), source);
      }
    }
    throw new AssertionError("exec_time always has a figure");
  }

  /** What one layer says about an aggregate; empty when it has nothing (a new source breaks the build here). */
  private static OptionalDouble figure(CpuSource source, Evidence e) {
    return switch (source) {
      case PG_STAT_KCACHE -> e.kcacheCpuMs();
      case PERFORMANCE_INSIGHTS -> e.piCpuMs();
      case EXEC_MINUS_IO -> e.ioTimed() ? OptionalDouble.of(e.execMinusIoMs()) : OptionalDouble.empty();
      case EXEC_TIME -> OptionalDouble.of(e.execMs());
    };
  }
}
