-- What a finding is about (statement, database, target, tenant); a target's finding lists its tenants (JSON).
ALTER TABLE finding ADD COLUMN subject VARCHAR;
ALTER TABLE finding ADD COLUMN tenants VARCHAR;

-- Alerts: a finding at a stage (found, morning). Labels, annotations and receivers are JSON.
CREATE TABLE alert (
  fingerprint VARCHAR NOT NULL,
  stage VARCHAR NOT NULL,
  finding_id VARCHAR NOT NULL,
  firing BOOLEAN NOT NULL,
  labels VARCHAR NOT NULL,
  annotations VARCHAR NOT NULL,
  receivers VARCHAR NOT NULL,
  silenced_by VARCHAR,
  starts_us BIGINT NOT NULL,
  updated_us BIGINT NOT NULL,
  ends_us BIGINT,
  PRIMARY KEY (fingerprint, stage)
);

-- The outbox: one row per notification and receiver, written with the change that caused it.
CREATE SEQUENCE outbox_id START 1;
CREATE TABLE outbox (
  id BIGINT PRIMARY KEY DEFAULT nextval('outbox_id'),
  receiver VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  ref VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  dedup_key VARCHAR NOT NULL,
  payload VARCHAR NOT NULL,
  created_us BIGINT NOT NULL,
  next_attempt_us BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error VARCHAR,
  done_us BIGINT,
  outcome VARCHAR
);

-- Morning reviews, one per tenant and workday (id = tenant/workday).
CREATE TABLE review (
  id VARCHAR PRIMARY KEY,
  tenant VARCHAR NOT NULL,
  workday DATE NOT NULL,
  scheduled_us BIGINT NOT NULL,
  ran_us BIGINT NOT NULL,
  late BOOLEAN NOT NULL,
  body VARCHAR NOT NULL
);

-- Per tenant, the workday through which reviews are done (or the day before the tenant was first seen).
CREATE TABLE review_mark (
  tenant VARCHAR PRIMARY KEY,
  reviewed_through DATE NOT NULL
);

CREATE TABLE silence (
  id VARCHAR PRIMARY KEY,
  matchers VARCHAR NOT NULL,
  starts_us BIGINT NOT NULL,
  ends_us BIGINT NOT NULL,
  created_by VARCHAR NOT NULL,
  comment VARCHAR NOT NULL,
  created_us BIGINT NOT NULL
);
