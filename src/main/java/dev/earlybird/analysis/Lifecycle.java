package dev.earlybird.analysis;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one window's observations into finding state changes. Pure.
 *
 * <ul>
 *   <li>A condition seen for the first time opens a PENDING finding; it becomes ACTIVE after {@code
 *       persistence} consecutive windows (at once when persistence is 1). Its {@code since} is the start of
 *       the first of those windows.
 *   <li>A pending finding whose streak breaks is dropped: it never was a finding.
 *   <li>An active finding resolves after {@code resolveAfter} consecutive windows without the condition.
 *   <li>A window that cannot judge a condition (target not polled, too few calls) changes nothing for it.
 *   <li>Advice whose change is seen in place ({@link Evidence.Advice#applied()}) is APPLIED at once, whatever its
 *       streak: it is no longer something to do, but stays open while its before/after comparison goes on.
 * </ul>
 */
public final class Lifecycle {
  private final int persistence;
  private final int resolveAfter;

  public Lifecycle(int persistence, int resolveAfter) {
    this.persistence = persistence;
    this.resolveAfter = resolveAfter;
  }

  /** @param deletedIds pending findings whose streak broke */
  public record Changes(List<Finding> changed, List<String> deletedIds) {}

  public Changes advance(List<Finding> open, List<Observation> holds, Set<String> unknown, Period window) {
    Map<String, Finding> byFingerprint = new HashMap<>();
    open.forEach(f -> byFingerprint.put(f.fingerprint(), f));
    List<Finding> changed = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (Observation o : holds) {
      Finding f = byFingerprint.remove(o.fingerprint());
      if (f == null) {
        FindingState state = applied(o) ? FindingState.APPLIED
            : persistence <= 1 ? FindingState.ACTIVE : FindingState.PENDING;
        changed.add(new Finding(Fingerprints.occurrence(o.fingerprint(), window.from()), o.fingerprint(),
            o.severity(), state, o.subject(), o.summary(), window.from(), window.to(), Optional.empty(), 1, 0,
            o.evidence()));
      } else {
        int streak = f.streak() + 1;
        FindingState state = applied(o) ? FindingState.APPLIED
            : f.state() == FindingState.PENDING && streak < persistence ? FindingState.PENDING : FindingState.ACTIVE;
        // Names and family may have become known since; keep what was known otherwise.
        changed.add(new Finding(f.id(), f.fingerprint(), o.severity(), state, Subjects.merge(f.subject(), o.subject()),
            o.summary(), f.since(), window.to(), Optional.empty(), streak, 0, o.evidence()));
      }
    }
    for (Finding f : byFingerprint.values()) {
      if (unknown.contains(f.fingerprint())) {
        continue;
      }
      if (f.state() == FindingState.PENDING) {
        deleted.add(f.id());
        continue;
      }
      int clear = f.clearStreak() + 1;
      boolean resolved = clear >= resolveAfter;
      changed.add(new Finding(f.id(), f.fingerprint(), f.severity(),
          resolved ? FindingState.RESOLVED : f.state(), f.subject(), f.summary(), f.since(), f.lastSeen(),
          resolved ? Optional.of(window.to()) : Optional.empty(), 0, clear, f.evidence()));
    }
    return new Changes(changed, deleted);
  }

  private static boolean applied(Observation o) {
    return o.evidence() instanceof Evidence.Advice a && a.applied() != null;
  }
}
