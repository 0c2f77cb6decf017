-- Schema 13, on PostgreSQL only: statement_interval becomes a table partitioned by day of end_us, so that retention
-- drops a day's partition instead of deleting its rows one by one, and the interval and rollup tables get the
-- indexes PostgreSQL needs to read a window or a statement without scanning the table (DuckDB prunes by the min and
-- max it keeps per row group, and keeps its one table). The work is code that knows the engine: see
-- IntervalPartitions, which SchemaMigrator runs in this migration's transaction.
SELECT 1;
