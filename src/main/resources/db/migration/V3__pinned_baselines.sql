-- Pinned baselines (schema 3): named windows a DBA keeps, e.g. before a migration or an upgrade.
-- The window's per-statement sums are copied at pin time into pinned_baseline_statement, so a pinned
-- baseline outlives the retention of the rollups it was computed from.
CREATE TABLE pinned_baseline (
  name VARCHAR PRIMARY KEY,
  target VARCHAR,
  from_us BIGINT NOT NULL,
  to_us BIGINT NOT NULL,
  created_us BIGINT NOT NULL,
  statements BIGINT NOT NULL
);

CREATE TABLE pinned_baseline_statement (
  name VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  intervals BIGINT NOT NULL,
  calls BIGINT NOT NULL,
  rows BIGINT NOT NULL,
  shared_blks_hit BIGINT NOT NULL,
  shared_blks_read BIGINT NOT NULL,
  shared_blks_dirtied BIGINT NOT NULL,
  shared_blks_written BIGINT NOT NULL,
  local_blks_hit BIGINT NOT NULL,
  local_blks_read BIGINT NOT NULL,
  temp_blks_read BIGINT NOT NULL,
  temp_blks_written BIGINT NOT NULL,
  plans BIGINT NOT NULL,
  wal_records BIGINT NOT NULL,
  wal_fpi BIGINT NOT NULL,
  wal_bytes BIGINT NOT NULL,
  exec_ms DOUBLE PRECISION NOT NULL,
  exec_sumsq_ms DOUBLE PRECISION NOT NULL,
  io_read_ms DOUBLE PRECISION NOT NULL,
  io_write_ms DOUBLE PRECISION NOT NULL,
  temp_io_ms DOUBLE PRECISION NOT NULL,
  plan_ms DOUBLE PRECISION NOT NULL,
  jit_ms DOUBLE PRECISION NOT NULL
);
