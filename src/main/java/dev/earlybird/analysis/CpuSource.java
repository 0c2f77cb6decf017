package dev.earlybird.analysis;

import java.util.Locale;

/** Where a statement's CPU figure comes from, most direct first (DESIGN decision 3). */
public enum CpuSource {
  /** Measured user+system CPU per statement by the pg_stat_kcache extension. */
  PG_STAT_KCACHE,
  /** Performance Insights' load on CPU per statement (RDS/Aurora). */
  PERFORMANCE_INSIGHTS,
  /** Execution time minus block IO time; needs track_io_timing. */
  EXEC_MINUS_IO,
  /** Execution time: an upper bound, used when track_io_timing is off. */
  EXEC_TIME;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
