package dev.earlybird.analysis;

import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.Usage;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which CPU estimate a target's statements get from stored sums (DESIGN decision 3), in one place: execution
 * minus IO time when the target times IO ({@code track_io_timing}), else execution time. pg_stat_kcache and
 * Performance Insights are not stored yet. {@link HotList} makes the same choice; both are meant to move
 * into one shared CPU attribution step.
 */
public final class CpuChoice {
  private CpuChoice() {}

  public static CpuSource sourceFor(boolean trackIoTiming) {
    return trackIoTiming ? CpuSource.EXEC_MINUS_IO : CpuSource.EXEC_TIME;
  }

  public static double cpuMs(Usage usage, CpuSource source) {
    return switch (source) {
      case EXEC_MINUS_IO -> usage.execMinusIoMs();
      case EXEC_TIME -> usage.execMs();
      case PG_STAT_KCACHE, PERFORMANCE_INSIGHTS ->
          throw new IllegalArgumentException(source.label() + " CPU is not kept in the history store yet");
    };
  }

  /**
   * The targets that time IO, judged from stored sums, for when no live poller can say (the command line
   * reading the store of a stopped agent): IO time recorded for any statement proves {@code track_io_timing}
   * on. With none recorded, both estimates are the same number and {@code exec_time} is the honest label.
   */
  public static Set<String> targetsWithIoTime(Collection<HotQueryRow> rows) {
    return rows.stream().filter(r -> r.usage().ioMs() > 0).map(HotQueryRow::target).collect(Collectors.toSet());
  }
}
