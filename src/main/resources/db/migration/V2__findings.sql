-- Findings and the analysis' own bookkeeping (schema 2).
-- One row per occurrence of a finding: `fingerprint` is stable for (kind, target, database, statement) and
-- shared by every occurrence; `id` is unique per occurrence. State is pending (seen, not yet for enough
-- consecutive windows), active or resolved. Written only by the single writer, in one transaction per
-- evaluated window together with the analysis watermark, so a restart neither forgets nor repeats a window.
CREATE TABLE finding (
  id VARCHAR PRIMARY KEY,
  fingerprint VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  dbid BIGINT,
  database VARCHAR,
  tenant VARCHAR,
  queryid BIGINT,
  family VARCHAR,
  summary VARCHAR NOT NULL,
  since_us BIGINT NOT NULL,
  last_seen_us BIGINT NOT NULL,
  resolved_us BIGINT,
  streak INTEGER NOT NULL,
  clear_streak INTEGER NOT NULL,
  evidence VARCHAR NOT NULL
);

-- The end of the last window the analysis evaluated (name = 'findings').
CREATE TABLE analysis_watermark (
  name VARCHAR PRIMARY KEY,
  value_us BIGINT NOT NULL
);

-- When the agent first polled a target successfully: a statement is only "new" against a baseline that
-- had a chance to see it, and the seasonal baseline needs a week of history.
ALTER TABLE target ADD COLUMN first_poll_us BIGINT;
