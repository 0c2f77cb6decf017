-- Whether track_io_timing was on when each interval was polled (schema 9), so old data keeps the CPU attribution
-- it had when it was polled: the live setting of a target (down, restarted, changed since) says nothing about it.
-- io_timed_intervals is 0 or 1 in statement_interval and a count in the rollups and pinned baselines; a reader
-- estimates CPU as execution minus IO time only when it equals intervals (every interval was timed), else it
-- uses execution time, so a mixed aggregate is labelled by what its numbers are.
-- Columns go last and in this order: the rollups insert by position (history/Columns lists them in table order).
--
-- Rows stored before schema 9: IO time recorded for a target proves its track_io_timing was on, so all of that
-- target's rows count as timed; other targets' rows count as untimed (exec_time). Either way only IO time that was
-- measured is ever subtracted: the guess changes a label at most, never invents IO savings.

ALTER TABLE statement_interval ADD COLUMN io_timed_intervals BIGINT NOT NULL DEFAULT 0;
ALTER TABLE statement_hourly ADD COLUMN io_timed_intervals BIGINT NOT NULL DEFAULT 0;
ALTER TABLE statement_daily ADD COLUMN io_timed_intervals BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pinned_baseline_statement ADD COLUMN io_timed_intervals BIGINT NOT NULL DEFAULT 0;

CREATE TEMPORARY TABLE io_timed_target AS
  SELECT target FROM statement_interval WHERE io_read_ms + io_write_ms + temp_io_ms > 0
  UNION SELECT target FROM statement_hourly WHERE io_read_ms + io_write_ms + temp_io_ms > 0
  UNION SELECT target FROM statement_daily WHERE io_read_ms + io_write_ms + temp_io_ms > 0
  UNION SELECT target FROM pinned_baseline_statement WHERE io_read_ms + io_write_ms + temp_io_ms > 0;

UPDATE statement_interval SET io_timed_intervals = 1 WHERE target IN (SELECT target FROM io_timed_target);
UPDATE statement_hourly SET io_timed_intervals = intervals WHERE target IN (SELECT target FROM io_timed_target);
UPDATE statement_daily SET io_timed_intervals = intervals WHERE target IN (SELECT target FROM io_timed_target);
UPDATE pinned_baseline_statement SET io_timed_intervals = intervals
  WHERE target IN (SELECT target FROM io_timed_target);

DROP TABLE io_timed_target;
