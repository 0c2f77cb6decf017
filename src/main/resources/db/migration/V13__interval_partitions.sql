-- Schema 13: on PostgreSQL, statement_interval becomes a table partitioned by day of end_us, so that retention drops
-- a day's partition instead of deleting its rows one by one. DuckDB keeps the one table (it has no partitions and
-- deletes by row group). The work is code that knows the engine: see IntervalPartitions, which SchemaMigrator runs
-- in this migration's transaction.
SELECT 1;
