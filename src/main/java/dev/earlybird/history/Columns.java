package dev.earlybird.history;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import dev.earlybird.model.StatementInterval;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The metric columns shared by statement_interval, statement_hourly, statement_daily, statement_span and
 * pinned_baseline_statement, in table order (the {@link Counter}s, longs then doubles, then the CPU columns schemas 4
 * and 9 added), so appenders, rollup SQL and readers cannot disagree on the order.
 */
final class Columns {
  private static final Counter[] COUNTERS = Counter.values();

  static final List<String> LONGS = columns(Counter.Kind.LONG);
  static final List<String> DOUBLES = columns(Counter.Kind.DOUBLE);
  /**
   * pg_stat_kcache's CPU time (nullable: the sum over the intervals that had one) and how many intervals had one
   * (0 or 1 in statement_interval): an aggregate's CPU is known only when that equals its interval count. Then how
   * many intervals were polled with track_io_timing on (schema 9), which decides the same for exec minus IO time.
   */
  static final List<String> CPU = List.of("cpu_ms", "cpu_intervals", "io_timed_intervals");

  /** "calls, rows, ..., cpu_ms, cpu_intervals, io_timed_intervals" */
  static final String METRICS =
      String.join(", ", LONGS) + ", " + String.join(", ", DOUBLES) + ", " + String.join(", ", CPU);

  /**
   * "CAST(sum(calls) AS BIGINT) AS calls, ..., sum(exec_ms) AS exec_ms": sums of BIGINT are HUGEINT in
   * DuckDB and NUMERIC in PostgreSQL, so they are cast back.
   */
  static final String SUMS =
      LONGS.stream().map(c -> "CAST(sum(" + c + ") AS BIGINT) AS " + c).collect(Collectors.joining(", "))
          + ", "
          + DOUBLES.stream().map(c -> "sum(" + c + ") AS " + c).collect(Collectors.joining(", "))
          + ", sum(cpu_ms) AS cpu_ms, CAST(sum(cpu_intervals) AS BIGINT) AS cpu_intervals"
          + ", CAST(sum(io_timed_intervals) AS BIGINT) AS io_timed_intervals";

  private Columns() {}

  private static List<String> columns(Counter.Kind kind) {
    return Arrays.stream(COUNTERS).filter(c -> c.kind() == kind).map(Counter::column).toList();
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** Start of the bucket of {@code length} holding an interval that ends at {@code endUs}: (b, b+length]. */
  static long bucketOfEnd(long endUs, long lengthUs) {
    return Math.floorDiv(endUs - 1, lengthUs) * lengthUs;
  }

  static long floorTo(long us, long lengthUs) {
    return Math.floorDiv(us, lengthUs) * lengthUs;
  }

  /** One interval's metrics; {@code ioTimed} is whether its poll found track_io_timing on. */
  static void appendMetrics(BulkRows a, StatementInterval i, boolean ioTimed) throws SQLException {
    appendCounters(a, i.counters());
    appendCpu(a, i.cpuMs().isPresent() ? 1 : 0, i.cpuMs().orElse(0));
    a.add(ioTimed ? 1L : 0L);
  }

  /** Every counter's column, in table order. */
  private static void appendCounters(BulkRows a, CounterValues v) throws SQLException {
    for (Counter c : COUNTERS) {
      if (c.kind() == Counter.Kind.LONG) {
        a.add(v.longValue(c));
      } else {
        a.add(v.doubleValue(c));
      }
    }
  }

  /** cpu_ms is NULL when no interval had a figure, as SQL's sum() gives it. */
  private static void appendCpu(BulkRows a, long cpuIntervals, double cpuMs) throws SQLException {
    if (cpuIntervals == 0) {
      a.addNull();
    } else {
      a.add(cpuMs);
    }
    a.add(cpuIntervals);
  }

  static void appendUsage(BulkRows a, Usage u) throws SQLException {
    a.add(u.intervals());
    appendCounters(a, u.sums());
    appendCpu(a, u.cpuIntervals(), u.cpuMs());
    a.add(u.ioTimedIntervals());
  }

  static Usage usageOf(StatementInterval i, boolean ioTimed) {
    return new Usage(1, i.counters(), i.cpuMs().orElse(0), i.cpuMs().isPresent() ? 1 : 0, ioTimed ? 1 : 0);
  }

  static Usage plus(Usage a, Usage b) {
    return a.plus(b);
  }

  /**
   * Positions of the "intervals" and {@link #METRICS} columns named with {@code prefix}: resolve them once per
   * result, not once per row (the driver looks names up one by one; for 250,000 rows of 50 columns that cost
   * seconds).
   */
  static int[] usageColumns(ResultSet rs, String prefix) throws SQLException {
    int[] out = new int[1 + COUNTERS.length + CPU.size()];
    out[0] = rs.findColumn(prefix + "intervals");
    for (Counter c : COUNTERS) {
      out[1 + c.ordinal()] = rs.findColumn(prefix + c.column());
    }
    for (int i = 0; i < CPU.size(); i++) {
      out[1 + COUNTERS.length + i] = rs.findColumn(prefix + CPU.get(i));
    }
    return out;
  }

  /** Reads a usage from the columns at the positions {@link #usageColumns} found. */
  static Usage readUsage(ResultSet rs, int[] c) throws SQLException {
    var sums = new CounterValues.Builder();
    for (Counter k : COUNTERS) {
      if (k.kind() == Counter.Kind.LONG) {
        sums.set(k, rs.getLong(c[1 + k.ordinal()]));
      } else {
        sums.set(k, rs.getDouble(c[1 + k.ordinal()]));
      }
    }
    int cpu = 1 + COUNTERS.length;
    // DuckDB's getDouble gives NaN for NULL, not 0: NULL means no interval had a CPU figure.
    double cpuMs = rs.getDouble(c[cpu]);
    if (rs.wasNull()) {
      cpuMs = 0;
    }
    return new Usage(rs.getLong(c[0]), sums.build(), cpuMs, rs.getLong(c[cpu + 1]), rs.getLong(c[cpu + 2]));
  }

  /** Reads an "intervals" column followed by {@link #METRICS} columns by name. */
  static Usage readUsage(ResultSet rs) throws SQLException {
    return readUsage(rs, "");
  }

  /** The same, with every column name prefixed (two usages in one row). */
  static Usage readUsage(ResultSet rs, String p) throws SQLException {
    return readUsage(rs, usageColumns(rs, p));
  }
}
