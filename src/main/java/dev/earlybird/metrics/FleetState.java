package dev.earlybird.metrics;

import dev.earlybird.model.TargetStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Latest {@link TargetStatus} per target: written by the pollers, read by the web layer. */
public final class FleetState {
  private final Map<String, TargetStatus> byName = new ConcurrentHashMap<>();

  public FleetState(List<String> targetNames) {
    targetNames.forEach(n -> byName.put(n, TargetStatus.unknown(n)));
  }

  public void update(String target, UnaryOperator<TargetStatus> change) {
    byName.compute(target, (n, old) -> change.apply(old == null ? TargetStatus.unknown(n) : old));
  }

  public Optional<TargetStatus> get(String target) {
    return Optional.ofNullable(byName.get(target));
  }

  public List<TargetStatus> all() {
    return byName.values().stream().sorted(Comparator.comparing(TargetStatus::name)).toList();
  }
}
