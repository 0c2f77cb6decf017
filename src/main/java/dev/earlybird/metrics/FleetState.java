package dev.earlybird.metrics;

import dev.earlybird.config.AwsConfig;
import dev.earlybird.model.TargetStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Latest {@link TargetStatus} per target: written by the pollers, read by the web layer. Discovery adds and removes
 * targets while the agent runs; each target also carries where it came from ({@link Origin}).
 */
public final class FleetState {
  private final Map<String, TargetStatus> byName = new ConcurrentHashMap<>();
  private final Map<String, Origin> origins = new ConcurrentHashMap<>();
  /** Who polls each target: this agent, or the replica sharing the store that holds its shard; null: nobody now. */
  private volatile Function<String, Optional<String>> owners = name -> Optional.empty();

  /**
   * Where a target came from.
   *
   * @param discovered found by RDS discovery rather than listed under {@code targets:}
   * @param aws its AWS link, if any
   */
  public record Origin(boolean discovered, Optional<AwsConfig> aws) {
    public static final Origin STATIC = new Origin(false, Optional.empty());

    public Origin {
      Objects.requireNonNull(aws, "aws");
    }
  }

  public FleetState(List<String> targetNames) {
    targetNames.forEach(n -> byName.put(n, TargetStatus.unknown(n)));
  }

  /** Adds a target (status unknown until its first poll), or sets the origin of one already there. */
  public void add(String target, Origin origin) {
    byName.putIfAbsent(target, TargetStatus.unknown(target));
    origins.put(target, origin);
  }

  /** Forgets a target; its history stays in the store. */
  public void remove(String target) {
    byName.remove(target);
    origins.remove(target);
  }

  /**
   * Changes the status of a target in the fleet. A target not (or no longer) in the fleet is left out, so a poll
   * that ends after discovery removed its target cannot bring the target back.
   */
  public void update(String target, UnaryOperator<TargetStatus> change) {
    byName.computeIfPresent(target, (n, old) -> change.apply(old));
  }

  public Optional<TargetStatus> get(String target) {
    return Optional.ofNullable(byName.get(target));
  }

  public Origin origin(String target) {
    return origins.getOrDefault(target, Origin.STATIC);
  }

  /** Says who polls each target from now on (replicas sharing a store read it from their last shard claim). */
  public void owners(Function<String, Optional<String>> owners) {
    this.owners = Objects.requireNonNull(owners, "owners");
  }

  /** Which agent polls {@code target}; empty while nobody does. */
  public Optional<String> owner(String target) {
    return owners.apply(target);
  }

  public List<TargetStatus> all() {
    return byName.values().stream().sorted(Comparator.comparing(TargetStatus::name)).toList();
  }
}
