package dev.earlybird.history;

import dev.earlybird.model.Shard;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which targets this agent answers for, as of its last claim on the store ({@link ShardClaims}): the targets of the
 * shards it holds are polled here (with their Performance Insights and CloudWatch), and the holder of shard 0 also
 * does the fleet's shared duties: the analysis, the advisor, the morning reviews, alert delivery and the store's
 * maintenance. A lone agent holds everything. Read from any thread; written by the loop that claims.
 */
public final class Ownership {
  private final Shard home;
  private final String replica;
  private volatile Set<Integer> held;
  private volatile Map<Integer, String> owners = Map.of();

  private Ownership(Shard home, String replica, Set<Integer> held) {
    this.home = home;
    this.replica = replica;
    this.held = Set.copyOf(held);
  }

  /** An agent that alone writes its store: it holds the one shard there is. */
  public static Ownership alone(String replica) {
    return new Ownership(Shard.ALONE, replica, Set.of(0));
  }

  /** A replica sharing a store, holding nothing until its first claim. */
  public static Ownership replica(Shard home, String replica) {
    return new Ownership(home, replica, Set.of());
  }

  public Shard home() {
    return home;
  }

  public Set<Integer> held() {
    return held;
  }

  /** Whether this agent polls {@code target} now. */
  public boolean owns(String target) {
    return held.contains(shardOf(target));
  }

  /** Whether this agent does the fleet's shared duties now (it holds shard 0). */
  public boolean leads() {
    return held.contains(0);
  }

  private int shardOf(String target) {
    return Shard.of(target, home.count());
  }

  /**
   * Who polls {@code target}: this agent for its own shards, otherwise the replica holding the target's shard as last
   * read from the store; empty while nobody does (its replica is gone and no other has taken the shard over yet).
   */
  public Optional<String> owner(String target) {
    int shard = shardOf(target);
    return held.contains(shard) ? Optional.of(replica) : Optional.ofNullable(owners.get(shard));
  }

  /**
   * Records a claim's outcome.
   *
   * @param owners who holds each shard, as read from the store just after
   */
  public void update(Set<Integer> nowHeld, Map<Integer, String> owners) {
    this.held = Set.copyOf(nowHeld);
    this.owners = Map.copyOf(owners);
  }
}
