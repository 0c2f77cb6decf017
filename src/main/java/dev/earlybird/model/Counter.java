package dev.earlybird.model;

/**
 * The counters of one pg_stat_statements entry that add up: the one ordered description every layer follows, so the
 * store's column lists, its row writers and readers, the source's row mapping and the sums are driven from here and
 * cannot disagree on a name or an order.
 *
 * <p>The order is the order of the metric columns of {@code statement_interval}, the rollups and the pinned baselines
 * (longs, then doubles; the rollups insert by position). Times are milliseconds.
 *
 * <p>Two counters are not read as such: {@link #EXEC_SUMSQ_MS} is reconstructed from the entry's mean, stddev and
 * calls, and {@link #TEMP_IO_MS} is the sum of its temp block read and write times. pg_stat_statements and {@code
 * last_snapshot_entry} keep those inputs instead ({@link Counters}), so both have no {@code pgssColumn} and no {@code
 * snapshotColumn} here.
 *
 * @param column the column in the interval, rollup and pinned baseline tables
 * @param snapshotColumn the cumulative value's column in {@code last_snapshot_entry}; null when derived
 * @param pgssColumn what the counter query selects from {@code pg_stat_statements} on the newest versions (older ones
 *     may need another expression, see the source's queries); null when derived
 * @param monotonic whether the cumulative value never goes down while the entry lives, so that a drop means the entry
 *     was re-created
 */
public enum Counter {
  CALLS("calls", Kind.LONG, "calls", "calls", true),
  ROWS("rows", Kind.LONG, "rows", "rows", true),
  SHARED_BLKS_HIT("shared_blks_hit", Kind.LONG, "shared_blks_hit", "shared_blks_hit", true),
  SHARED_BLKS_READ("shared_blks_read", Kind.LONG, "shared_blks_read", "shared_blks_read", true),
  SHARED_BLKS_DIRTIED("shared_blks_dirtied", Kind.LONG, "shared_blks_dirtied", "shared_blks_dirtied", true),
  SHARED_BLKS_WRITTEN("shared_blks_written", Kind.LONG, "shared_blks_written", "shared_blks_written", true),
  LOCAL_BLKS_HIT("local_blks_hit", Kind.LONG, "local_blks_hit", "local_blks_hit", true),
  LOCAL_BLKS_READ("local_blks_read", Kind.LONG, "local_blks_read", "local_blks_read", true),
  TEMP_BLKS_READ("temp_blks_read", Kind.LONG, "temp_blks_read", "temp_blks_read", true),
  TEMP_BLKS_WRITTEN("temp_blks_written", Kind.LONG, "temp_blks_written", "temp_blks_written", true),
  PLANS("plans", Kind.LONG, "plans", "plans", true),
  WAL_RECORDS("wal_records", Kind.LONG, "wal_records", "wal_records", true),
  WAL_FPI("wal_fpi", Kind.LONG, "wal_fpi", "wal_fpi", true),
  // numeric in pg_stat_statements: cast so that it comes as 8 bytes, like the other longs
  WAL_BYTES("wal_bytes", Kind.LONG, "wal_bytes", "wal_bytes::int8", true),
  EXEC_MS("exec_ms", Kind.DOUBLE, "total_exec_ms", "total_exec_time", true),
  // Reconstructed from a rounded mean and stddev: it may dip by a rounding error, which is not a re-creation.
  EXEC_SUMSQ_MS("exec_sumsq_ms", Kind.DOUBLE, null, null, false),
  IO_READ_MS("io_read_ms", Kind.DOUBLE, "blk_read_time_ms", "shared_blk_read_time + local_blk_read_time", true),
  IO_WRITE_MS("io_write_ms", Kind.DOUBLE, "blk_write_time_ms", "shared_blk_write_time + local_blk_write_time", true),
  TEMP_IO_MS("temp_io_ms", Kind.DOUBLE, null, null, true),
  PLAN_MS("plan_ms", Kind.DOUBLE, "total_plan_ms", "total_plan_time", true),
  JIT_MS(
      "jit_ms",
      Kind.DOUBLE,
      "jit_total_ms",
      "jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time + jit_deform_time",
      true);

  /** How the value is held: a count, or a time in milliseconds. */
  public enum Kind {
    LONG,
    DOUBLE
  }

  private final String column;
  private final Kind kind;
  private final String snapshotColumn;
  private final String pgssColumn;
  private final boolean monotonic;

  Counter(String column, Kind kind, String snapshotColumn, String pgssColumn, boolean monotonic) {
    this.column = column;
    this.kind = kind;
    this.snapshotColumn = snapshotColumn;
    this.pgssColumn = pgssColumn;
    this.monotonic = monotonic;
  }

  public String column() {
    return column;
  }

  public Kind kind() {
    return kind;
  }

  public String snapshotColumn() {
    return snapshotColumn;
  }

  public String pgssColumn() {
    return pgssColumn;
  }

  public boolean monotonic() {
    return monotonic;
  }
}
