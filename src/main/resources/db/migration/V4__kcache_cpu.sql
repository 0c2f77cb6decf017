-- CPU time per statement measured by pg_stat_kcache (schema 4), where the extension is usable on a target.
-- cpu_ms is NULL (raw, snapshot) or a sum over the intervals that had a figure (rollups, pinned baselines);
-- cpu_intervals counts those intervals, so a reader knows the CPU of an aggregate only when cpu_intervals equals
-- intervals: a sum over some of its intervals would silently undercount. Rows written before schema 4 have none.
-- Columns go last and in this order: the rollups insert by position (history/Columns lists them in table order).

ALTER TABLE statement_interval ADD COLUMN cpu_ms DOUBLE PRECISION;
ALTER TABLE statement_interval ADD COLUMN cpu_intervals BIGINT NOT NULL DEFAULT 0;

ALTER TABLE statement_hourly ADD COLUMN cpu_ms DOUBLE PRECISION;
ALTER TABLE statement_hourly ADD COLUMN cpu_intervals BIGINT NOT NULL DEFAULT 0;

ALTER TABLE statement_daily ADD COLUMN cpu_ms DOUBLE PRECISION;
ALTER TABLE statement_daily ADD COLUMN cpu_intervals BIGINT NOT NULL DEFAULT 0;

ALTER TABLE pinned_baseline_statement ADD COLUMN cpu_ms DOUBLE PRECISION;
ALTER TABLE pinned_baseline_statement ADD COLUMN cpu_intervals BIGINT NOT NULL DEFAULT 0;

-- Cumulative, as read: exec_user_time + exec_system_time of the statement's pg_stat_kcache entry, in ms.
ALTER TABLE last_snapshot_entry ADD COLUMN cpu_ms DOUBLE PRECISION;
