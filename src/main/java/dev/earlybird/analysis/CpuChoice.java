package dev.earlybird.analysis;

import dev.earlybird.history.Usage;

/**
 * CPU figures for comparing two aggregates of the same statement (a pinned baseline and now): both sides must
 * use the same layer of {@link CpuAttribution}, the most direct one both have.
 */
public final class CpuChoice {
  private CpuChoice() {}

  /** The most direct layer that every given side has (a null side is absent and does not count). */
  public static CpuSource common(Usage before, Usage after) {
    CpuSource worst = CpuSource.values()[0];
    for (Usage u : new Usage[] {before, after}) {
      if (u != null) {
        CpuSource s = CpuAttribution.of(u).source();
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
}
