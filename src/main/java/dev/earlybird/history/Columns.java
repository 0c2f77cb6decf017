package dev.earlybird.history;

import dev.earlybird.model.StatementInterval;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The metric columns shared by statement_interval, statement_hourly, statement_daily and
 * pinned_baseline_statement, in table order (longs, doubles, then the CPU columns schemas 4 and 9 added), so appenders,
 * rollup SQL and readers cannot disagree on the order.
 */
final class Columns {
  static final List<String> LONGS =
      List.of(
          "calls", "rows", "shared_blks_hit", "shared_blks_read", "shared_blks_dirtied", "shared_blks_written",
          "local_blks_hit", "local_blks_read", "temp_blks_read", "temp_blks_written", "plans", "wal_records",
          "wal_fpi", "wal_bytes");
  static final List<String> DOUBLES =
      List.of("exec_ms", "exec_sumsq_ms", "io_read_ms", "io_write_ms", "temp_io_ms", "plan_ms", "jit_ms");
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
    a.add(i.calls()).add(i.rows()).add(i.sharedBlksHit()).add(i.sharedBlksRead());
    a.add(i.sharedBlksDirtied()).add(i.sharedBlksWritten()).add(i.localBlksHit()).add(i.localBlksRead());
    a.add(i.tempBlksRead()).add(i.tempBlksWritten()).add(i.plans()).add(i.walRecords());
    a.add(i.walFpi()).add(i.walBytes());
    a.add(i.execMs()).add(i.execSumSquaresMs()).add(i.ioReadMs()).add(i.ioWriteMs());
    a.add(i.tempIoMs()).add(i.planMs()).add(i.jitMs());
    appendCpu(a, i.cpuMs().isPresent() ? 1 : 0, i.cpuMs().orElse(0));
    a.add(ioTimed ? 1L : 0L);
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
    a.add(u.calls()).add(u.rows()).add(u.sharedBlksHit()).add(u.sharedBlksRead());
    a.add(u.sharedBlksDirtied()).add(u.sharedBlksWritten()).add(u.localBlksHit()).add(u.localBlksRead());
    a.add(u.tempBlksRead()).add(u.tempBlksWritten()).add(u.plans()).add(u.walRecords());
    a.add(u.walFpi()).add(u.walBytes());
    a.add(u.execMs()).add(u.execSumSquaresMs()).add(u.ioReadMs()).add(u.ioWriteMs());
    a.add(u.tempIoMs()).add(u.planMs()).add(u.jitMs());
    appendCpu(a, u.cpuIntervals(), u.cpuMs());
    a.add(u.ioTimedIntervals());
  }

  static Usage usageOf(StatementInterval i, boolean ioTimed) {
    return new Usage(
        1, i.calls(), i.rows(), i.sharedBlksHit(), i.sharedBlksRead(), i.sharedBlksDirtied(), i.sharedBlksWritten(),
        i.localBlksHit(), i.localBlksRead(), i.tempBlksRead(), i.tempBlksWritten(), i.plans(), i.walRecords(),
        i.walFpi(), i.walBytes(), i.execMs(), i.execSumSquaresMs(), i.ioReadMs(), i.ioWriteMs(), i.tempIoMs(),
        i.planMs(), i.jitMs(), i.cpuMs().orElse(0), i.cpuMs().isPresent() ? 1 : 0, ioTimed ? 1 : 0);
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
    int[] out = new int[1 + LONGS.size() + DOUBLES.size() + CPU.size()];
    out[0] = rs.findColumn(prefix + "intervals");
    for (int i = 0; i < LONGS.size(); i++) {
      out[1 + i] = rs.findColumn(prefix + LONGS.get(i));
    }
    for (int i = 0; i < DOUBLES.size(); i++) {
      out[1 + LONGS.size() + i] = rs.findColumn(prefix + DOUBLES.get(i));
    }
    for (int i = 0; i < CPU.size(); i++) {
      out[1 + LONGS.size() + DOUBLES.size() + i] = rs.findColumn(prefix + CPU.get(i));
    }
    return out;
  }

  /** Reads a usage from the columns at the positions {@link #usageColumns} found. */
  static Usage readUsage(ResultSet rs, int[] c) throws SQLException {
    // DuckDB's getDouble gives NaN for NULL, not 0: NULL means no interval had a CPU figure.
    double cpuMs = rs.getDouble(c[22]);
    if (rs.wasNull()) {
      cpuMs = 0;
    }
    return new Usage(
        rs.getLong(c[0]), rs.getLong(c[1]), rs.getLong(c[2]), rs.getLong(c[3]), rs.getLong(c[4]), rs.getLong(c[5]),
        rs.getLong(c[6]), rs.getLong(c[7]), rs.getLong(c[8]), rs.getLong(c[9]), rs.getLong(c[10]), rs.getLong(c[11]),
        rs.getLong(c[12]), rs.getLong(c[13]), rs.getLong(c[14]), rs.getDouble(c[15]), rs.getDouble(c[16]),
        rs.getDouble(c[17]), rs.getDouble(c[18]), rs.getDouble(c[19]), rs.getDouble(c[20]), rs.getDouble(c[21]),
        cpuMs, rs.getLong(c[23]), rs.getLong(c[24]));
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
