-- Generic plans by shape: one row per distinct shape a statement has had.
CREATE TABLE plan (
  target VARCHAR NOT NULL,
  db_id BIGINT NOT NULL,
  query_id BIGINT NOT NULL,
  shape_hash VARCHAR NOT NULL,
  first_seen_us BIGINT NOT NULL,
  last_seen_us BIGINT NOT NULL,
  total_cost DOUBLE PRECISION NOT NULL,
  plan_json VARCHAR NOT NULL,
  PRIMARY KEY (target, db_id, query_id, shape_hash)
);

-- The latest attempt to plan each statement: planned (with the shape) or skipped (with the reason).
CREATE TABLE plan_attempt (
  target VARCHAR NOT NULL,
  db_id BIGINT NOT NULL,
  query_id BIGINT NOT NULL,
  at_us BIGINT NOT NULL,
  outcome VARCHAR NOT NULL,
  detail VARCHAR,
  shape_hash VARCHAR,
  PRIMARY KEY (target, db_id, query_id)
);

-- The latest catalog read of each database: its tables, their statistics, its indexes.
CREATE TABLE catalog_database (
  target VARCHAR NOT NULL,
  db_id BIGINT NOT NULL,
  database VARCHAR NOT NULL,
  read_us BIGINT NOT NULL,
  hypopg_schema VARCHAR,
  class_inserts BIGINT NOT NULL,
  attribute_inserts BIGINT NOT NULL,
  dead_tuples BIGINT NOT NULL,
  truncated BOOLEAN NOT NULL,
  PRIMARY KEY (target, db_id)
);

CREATE TABLE catalog_relation (
  target VARCHAR NOT NULL,
  db_id BIGINT NOT NULL,
  schema_name VARCHAR NOT NULL,
  table_name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  reltuples DOUBLE PRECISION NOT NULL,
  relpages BIGINT NOT NULL,
  size_bytes BIGINT NOT NULL,
  n_live_tup BIGINT NOT NULL,
  n_dead_tup BIGINT NOT NULL,
  n_mod_since_analyze BIGINT NOT NULL,
  last_analyze_us BIGINT,
  last_autoanalyze_us BIGINT
);

CREATE TABLE catalog_index (
  target VARCHAR NOT NULL,
  db_id BIGINT NOT NULL,
  schema_name VARCHAR NOT NULL,
  table_name VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  method VARCHAR NOT NULL,
  columns VARCHAR NOT NULL,
  include_columns VARCHAR NOT NULL,
  predicate VARCHAR,
  is_unique BOOLEAN NOT NULL,
  is_valid BOOLEAN NOT NULL
);
