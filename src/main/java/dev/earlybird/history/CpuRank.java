package dev.earlybird.history;

/**
 * The one ranking of a window's statements by CPU, as SQL: the analysis' window read ({@link Comparisons}, whose
 * ranks hot and new findings report) and the hot list's ({@link HistoryReads}) both rank with it, so a statement
 * has the same rank in both for the same window and target.
 *
 * <p>CPU follows the layers of {@code analysis.CpuAttribution}: pg_stat_kcache's CPU when every interval had it,
 * else Performance Insights' CPU where PI covered the window ({@link PiTables#cpuCtes}), else execution minus
 * block and temp IO time when every interval was polled with track_io_timing on, else execution time. The
 * subtraction is {@link Usage#execMinusIoMs()}'s, in the same order, so Java and SQL compute the same double.
 * Ties go to the lower database oid, then the lower queryid.
 */
final class CpuRank {
  private CpuRank() {}

  /**
   * @param a the alias of the statement aggregate with its prefix ("c." or "c.w_"), whose columns are named as in
   *     {@link Columns#SUMS}
   * @param pi the column with PI's CPU time, NULL where PI did not cover the statement
   */
  static String cpu(String a, String pi) {
    return ("CASE WHEN %1$scpu_intervals = %1$sintervals AND %1$sintervals > 0 THEN %1$scpu_ms"
        + " WHEN %2$s IS NOT NULL THEN %2$s"
        + " WHEN %1$sio_timed_intervals = %1$sintervals AND %1$sintervals > 0"
        + " THEN greatest(%1$sexec_ms - (%1$sio_read_ms + %1$sio_write_ms + %1$stemp_io_ms), 0)"
        + " ELSE %1$sexec_ms END").formatted(a, pi);
  }

  /**
   * Which layer {@link #cpu} took, as the index of {@code analysis.CpuSource}'s constants (0 kcache, 1 Performance
   * Insights, 2 exec minus IO, 3 exec time): the same conditions in the same order.
   */
  static String source(String a, String pi) {
    return ("CASE WHEN %1$scpu_intervals = %1$sintervals AND %1$sintervals > 0 THEN 0"
        + " WHEN %2$s IS NOT NULL THEN 1"
        + " WHEN %1$sio_timed_intervals = %1$sintervals AND %1$sintervals > 0 THEN 2"
        + " ELSE 3 END").formatted(a, pi);
  }

  /** 1-based rank by {@link #cpu} among the target's statements; {@code key} is the alias of target, dbid, queryid. */
  static String targetRank(String a, String pi, String key) {
    return "row_number() OVER (PARTITION BY %1$starget ORDER BY %2$s DESC, %1$sdbid, %1$squeryid)"
        .formatted(key, cpu(a, pi));
  }

  /** The target's total of {@link #cpu} over all its statements in the window. */
  static String targetTotal(String a, String pi, String key) {
    return "sum(%2$s) OVER (PARTITION BY %1$starget)".formatted(key, cpu(a, pi));
  }
}
