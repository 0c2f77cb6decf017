-- Earlybird history store, schema 1. Portable between DuckDB and PostgreSQL: instants are BIGINT
-- microseconds since the epoch (UTC), so the DuckDB Appender writes them as plain longs, bucket math is
-- integer arithmetic in both databases and no session time zone can shift them.
-- Rollup buckets are half-open on the left: bucket b holds intervals whose END lies in (b, b + length].

-- Small tables (upserts allowed, primary keys).
-- No primary key on target either: written by the single writer with UPDATE, then INSERT when absent
-- (DuckDB's ON CONFLICT path costs several milliseconds per poll).
CREATE TABLE target (
  name VARCHAR NOT NULL,
  server_version VARCHAR,
  up BOOLEAN NOT NULL DEFAULT false,
  last_poll_us BIGINT,
  statements BIGINT NOT NULL DEFAULT 0,
  last_error VARCHAR
);

CREATE TABLE target_database (
  target VARCHAR NOT NULL,
  oid BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  PRIMARY KEY (target, oid)
);

-- First text seen per statement; never updated.
CREATE TABLE statement_text (
  target VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  query VARCHAR NOT NULL,
  truncated BOOLEAN NOT NULL,
  family VARCHAR,
  first_seen_us BIGINT NOT NULL,
  PRIMARY KEY (target, dbid, queryid)
);

-- Names: 'hourly' = every interval ending at or before value_us is in statement_hourly;
-- 'daily' = every interval ending at or before value_us is in statement_daily;
-- 'hourly_purged' = statement_hourly no longer holds intervals ending at or before value_us.
CREATE TABLE rollup_watermark (
  name VARCHAR PRIMARY KEY,
  value_us BIGINT NOT NULL
);

-- The last committed snapshot per target, so a restarted agent diffs against exactly what it stored.
-- version counts the target's polls; no primary key (updated by the single writer, inserted once).
CREATE TABLE last_snapshot (
  target VARCHAR NOT NULL,
  version BIGINT NOT NULL,
  taken_at_us BIGINT NOT NULL,
  stats_reset_us BIGINT,
  dealloc BIGINT
);

-- Entries of the last snapshot, append-only between compactions: a poll appends a row (version = the
-- poll's version) for each new or changed entry and a vanished = true row for each vanished one; the
-- state is the newest row per key. Deleting or upserting by key costs DuckDB tens of milliseconds per
-- poll; appending ~100 rows costs a few. The writer rewrites a target's rows when superseded rows pile up.
CREATE TABLE last_snapshot_entry (
  target VARCHAR NOT NULL,
  version BIGINT NOT NULL,
  vanished BOOLEAN NOT NULL,
  dbid BIGINT NOT NULL,
  userid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  toplevel BOOLEAN NOT NULL,
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
  total_exec_ms DOUBLE PRECISION NOT NULL,
  mean_exec_ms DOUBLE PRECISION NOT NULL,
  stddev_exec_ms DOUBLE PRECISION NOT NULL,
  blk_read_time_ms DOUBLE PRECISION NOT NULL,
  blk_write_time_ms DOUBLE PRECISION NOT NULL,
  temp_blk_read_time_ms DOUBLE PRECISION NOT NULL,
  temp_blk_write_time_ms DOUBLE PRECISION NOT NULL,
  total_plan_ms DOUBLE PRECISION NOT NULL,
  jit_total_ms DOUBLE PRECISION NOT NULL,
  stats_since_us BIGINT
);

-- One row per poll of a target (success or error); intervals of a poll end at its taken_at_us.
CREATE TABLE poll (
  target VARCHAR NOT NULL,
  taken_at_us BIGINT NOT NULL,
  entries INTEGER NOT NULL,
  intervals INTEGER NOT NULL,
  error VARCHAR,
  recorded_at_us BIGINT NOT NULL
);

-- The big fact table: append-only, no primary key (ART indexes must fit in memory).
CREATE TABLE statement_interval (
  target VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  userid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  toplevel BOOLEAN NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
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

-- Rollups, summed over userid and toplevel. Append-only too: a (target, dbid, queryid, bucket) may have
-- several rows (an interval that arrived after its hour was rolled is folded in as an extra row);
-- readers always SUM ... GROUP BY.
CREATE TABLE statement_hourly (
  target VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  bucket_us BIGINT NOT NULL,
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

CREATE TABLE statement_daily (
  target VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  bucket_us BIGINT NOT NULL,
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
