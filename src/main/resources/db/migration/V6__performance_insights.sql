-- Performance Insights (schema 6). Loads are stored as session time in ms (average active sessions x seconds x
-- 1000), so they add up over windows like pg_stat_statements' times. Rows are appended without primary keys
-- (the window table is the guard): a window is stored once, with all its rows, in one transaction.

-- One row per target and PI window read. statements_complete: PI returned fewer digests than asked for, so a
-- digest absent from the window had no load (absent from a full window it is merely unknown).
CREATE TABLE pi_window (
  target VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  statements_complete BOOLEAN NOT NULL,
  read_at_us BIGINT NOT NULL,
  PRIMARY KEY (target, start_us)
);

-- Each digest as PI reported it. waits: JSON object of load_ms by wait event type.
CREATE TABLE pi_statement (
  target VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  tokenized_id VARCHAR NOT NULL,
  db_id VARCHAR,
  statement VARCHAR NOT NULL,
  load_ms DOUBLE PRECISION NOT NULL,
  cpu_ms DOUBLE PRECISION NOT NULL,
  waits VARCHAR NOT NULL,
  calls_per_sec DOUBLE PRECISION,
  latency_ms DOUBLE PRECISION,
  rows_per_call DOUBLE PRECISION
);

-- Each digest's load joined to pg_stat_statements entries; method 'none' (dbid = queryid = 0) is PI-only.
CREATE TABLE pi_share (
  target VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  tokenized_id VARCHAR NOT NULL,
  dbid BIGINT NOT NULL,
  queryid BIGINT NOT NULL,
  method VARCHAR NOT NULL,
  share DOUBLE PRECISION NOT NULL,
  cpu_ms DOUBLE PRECISION NOT NULL,
  load_ms DOUBLE PRECISION NOT NULL
);

-- Load per database (db.name), top 25 per window. waits as in pi_statement.
CREATE TABLE pi_database (
  target VARCHAR NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  database VARCHAR NOT NULL,
  load_ms DOUBLE PRECISION NOT NULL,
  cpu_ms DOUBLE PRECISION NOT NULL,
  waits VARCHAR NOT NULL
);

-- The target's load timeline: average active sessions per wait event type ('' = all) per PI period, stamped
-- at the period's end as PI does.
CREATE TABLE pi_point (
  target VARCHAR NOT NULL,
  at_us BIGINT NOT NULL,
  wait_type VARCHAR NOT NULL,
  aas DOUBLE PRECISION NOT NULL
);
