-- Rolling day spans: per statement, the hourly rollup summed over the 23 hours that end at the hourly watermark
-- (span_us = that watermark - 23 h), and over the same 23 hours 1, 7, 14, 21 and 28 days before. A read of the
-- last 24 hours (the hot list, the families view), of the day before it (the families' change) or of the same hours
-- in past weeks (the hot list's seasonal baseline) takes one span row per statement instead of 23 hourly rows, and
-- the one or two hours at its edges from statement_hourly. The agent rebuilds the spans when the hourly watermark moves and adds late intervals to them as
-- it does to statement_hourly; readers use a span only when it lies wholly inside their window and the hourly tier.
-- Watermark 'span_<days back>' = the hourly watermark that span was built at (none = not built).
CREATE TABLE statement_span (
  target VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  span_us BIGINT NOT NULL,
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
  jit_ms DOUBLE PRECISION NOT NULL,
  cpu_ms DOUBLE PRECISION,
  cpu_intervals BIGINT NOT NULL DEFAULT 0,
  io_timed_intervals BIGINT NOT NULL DEFAULT 0
);
