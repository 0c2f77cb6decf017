package dev.earlybird.analysis;

import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.Usage;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CPU figures for comparing two aggregates of the same statement (a pinned baseline and now): both sides must
 * use the same layer of {@link CpuAttribution}, the most direct one both have.
 */
public final class CpuChoice {
  private CpuChoice() {}

  public static CpuSource sourceFor(boolean trackIoTiming) {
    return trackIoTiming ? CpuSource.EXEC_MINUS_IO : CpuSource.EXEC_TIME;
  }

  /** The most direct layer that every given side has (a null side is absent and does not count). */
  public static CpuSource common(Usage before, Usage after, boolean trackIoTiming) {
    CpuSource worst = CpuSource.values()[0];
    for (Usage u : new Usage[] {before, after}) {
      if (u != null) {
        CpuSource s = CpuAttribution.of(u, trackIoTiming).source();
        worst = s.compareTo(worst) > 0 ? s : worst;
      }
    }
    return worst;
  }

  public static double cpuMs(Usage usage, CpuSource source) {
    return switch (source) {
      case PG_STAT_KCACHE -> usage.knownCpuMs().orElse(usage.execMinusIoMs());
      case EXEC_MINUS_IO -> usage.execMinusIoMs();
      case EXEC_TIME -> usage.execMs();
      case PERFORMANCE_INSIGHTS -> usage.piCpuMs().orElse(usage.execMinusIoMs());
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
