package dev.earlybird.history;

import java.util.Map;
import java.util.Set;

/**
 * Which shards of the fleet this agent holds on the store, and who holds the others. A lone agent holds the one
 * shard there is; replicas sharing a PostgreSQL store hold theirs by advisory locks on their write sessions.
 */
public interface ShardClaims {
  /**
   * Takes this agent's own shard if it is free and any shard whose replica is gone; gives back a taken shard whose
   * replica is back. Runs on the writer (its session holds the locks).
   *
   * @return the shards held now
   */
  Set<Integer> claimShards();

  /** Who holds each shard now, by replica name; empty where the agent alone writes the store. */
  Map<Integer, String> shardOwners();
}
