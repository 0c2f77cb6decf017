-- CloudWatch datapoints (schema 7; 6 is taken by Performance Insights): one row per target, scope
-- (instance | cluster), metric (the CloudWatch MetricName) and period start, with the period's Average. A period
-- CloudWatch had no datapoint for has no row: missing data is never stored as 0.
-- No primary key, like the other large fact tables (DuckDB keeps ART indexes in memory, and a month of
-- one-minute datapoints of a fleet is tens of millions of rows): the single writer inserts only rows that are
-- not stored yet (see CloudWatchTable), so a window read twice never duplicates a datapoint.
CREATE TABLE cloudwatch_sample (
  target VARCHAR NOT NULL,
  scope VARCHAR NOT NULL,
  metric VARCHAR NOT NULL,
  at_us BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL
);

-- Where the writer appends a batch before moving the rows not stored yet into cloudwatch_sample; empty
-- between writes.
CREATE TABLE cloudwatch_staging (
  target VARCHAR NOT NULL,
  scope VARCHAR NOT NULL,
  metric VARCHAR NOT NULL,
  at_us BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL
);
