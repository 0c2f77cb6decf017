package dev.earlybird.schedule;

import dev.earlybird.history.HistoryException;
import dev.earlybird.history.Ownership;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.TargetRecord;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.TargetStatus;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replica's shards: at start and every {@code every} it claims on the store ({@link dev.earlybird.history.ShardClaims}) what it
 * should hold (its own shard; any whose replica is gone; not one whose replica is back) and records the outcome in
 * {@link Ownership}, which the pollers and the fleet's duties read at each tick. Logs each shard taken over or given
 * back. A claim that fails (the store down) leaves the last outcome: the writes fail meanwhile, and the store checks
 * at each poll's write that no other replica stored a poll of the target since.
 */
public final class ShardLoop implements Loop {
  private static final Logger log = LoggerFactory.getLogger(ShardLoop.class);

  private final HistoryStore store;
  private final Ownership ownership;
  private final FleetState fleet;
  private final Periodic periodic;
  private boolean failing;

  /** @param fleet the fleet the UI shows: targets polled elsewhere get their status from the store at each round */
  public ShardLoop(HistoryStore store, Ownership ownership, FleetState fleet, Duration every, InstantSource clock) {
    this.store = store;
    this.ownership = ownership;
    this.fleet = fleet;
    this.periodic = new Periodic("shards", every, clock, this::claim);
  }

  @Override
  public String name() {
    return "shard claims";
  }

  /** One claim, now: the agent runs one before its loops start, so its first polls are of its own shard. */
  public void claim() {
    Set<Integer> before = ownership.held();
    Set<Integer> held;
    Map<Integer, String> owners;
    try {
      held = store.claimShards();
      owners = store.shardOwners();
    } catch (HistoryException e) {
      if (!failing) {
        log.warn("cannot claim shards on the history store; polling goes on for shards {} as before: {}",
            before.isEmpty() ? "(none)" : new TreeSet<>(before), e.getMessage());
        failing = true;
      }
      return;
    }
    failing = false;
    ownership.update(held, owners);
    showPolledElsewhere();
    int home = ownership.home().index();
    int count = ownership.home().count();
    for (int s : new TreeSet<>(held)) {
      if (!before.contains(s)) {
        if (s == home) {
          log.info("holding shard {}/{} (this replica's own)", s, count);
        } else {
          log.info("took over shard {}/{}: its replica is gone; its targets are polled here from their stored "
              + "snapshots until it is back", s, count);
        }
      }
    }
    for (int s : new TreeSet<>(before)) {
      if (!held.contains(s)) {
        log.info(s == home ? "lost shard {}/{}: another replica holds it" : "gave shard {}/{} back: its replica is back",
            s, count);
      }
    }
    if (before.isEmpty() && !held.contains(home) && count > 1) {
      log.info("shard {}/{} is held by {} until it sees this replica and gives it back", home, count,
          owners.getOrDefault(home, "another replica"));
    }
  }

  /** Targets another replica polls show what it stored of their last poll: the UI of every replica shows the fleet. */
  private void showPolledElsewhere() {
    List<TargetRecord> stored;
    try {
      stored = store.targets();
    } catch (HistoryException e) {
      return; // shown as they were; the next round reads them again
    }
    for (TargetRecord r : stored) {
      if (!ownership.owns(r.name())) {
        fleet.update(r.name(), s -> new TargetStatus(r.name(), r.up(), r.lastPollAt().orElse(null), r.serverVersion(),
            (int) Math.min(Integer.MAX_VALUE, r.statements()), r.lastError().orElse(null), s.trackIoTiming(),
            s.degraded(), s.hiddenStatements()));
      }
    }
  }

  @Override
  public void start() {
    periodic.start(Duration.ZERO);
  }

  @Override
  public Stopped stop(Duration deadline) {
    return Stopped.inTime(periodic.close(deadline));
  }
}
