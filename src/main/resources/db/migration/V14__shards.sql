-- Schema 14: who owns each shard of a store shared by several replicas. A replica writes its row when it takes a
-- shard's advisory lock; readers show a row only while that lock is held, so a replica that died shows no shard.
CREATE TABLE shard_owner (
  shard INTEGER PRIMARY KEY,
  replica VARCHAR NOT NULL,
  since_us BIGINT NOT NULL
);
