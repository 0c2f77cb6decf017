-- When each target's server last started (schema 5): the analysis does not judge per-call regressions of a
-- target whose caches are still cold from a restart.
ALTER TABLE target ADD COLUMN server_started_us BIGINT;
