package dev.earlybird.analysis;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the advisor, which works at its own pace against the monitored databases, leaves its latest judgement of each
 * rule it checked, for the analysis to fold into the findings at its next window (one writer of findings, one
 * lifecycle). A judgement is about a scope: one rule for one subject (a statement, a database, a target), or one rule
 * for the whole fleet; it lists what holds there, so an open finding in a judged scope that the judgement does not
 * list has cleared. A scope not judged within {@code validFor} tells nothing: its findings stay as they are (the
 * advisor is off, behind, or was restarted). Thread-safe.
 */
public final class AdvisorBoard {
  /** Rules the advisor judges; the others come from the statements' counters in each window. */
  public static final Set<String> RULES = Set.of("missing_index", "fleet_index_drift", "stale_statistics",
      "temp_table_churn", "settings");

  /** @param key {@link #keyOf(Subject)} of the subject judged; empty for a fleet-wide rule */
  public record Scope(String rule, String key) {
    public Scope {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(key, "key");
    }

    public static Scope fleet(String rule) {
      return new Scope(rule, "");
    }

    public static Scope of(String rule, Subject subject) {
      return new Scope(rule, keyOf(subject));
    }
  }

  private record Judgement(Instant at, Map<String, Observation> holds) {}

  private final Map<Scope, Judgement> judgements = new ConcurrentHashMap<>();
  private final Duration validFor;

  public AdvisorBoard(Duration validFor) {
    this.validFor = validFor;
  }

  /** What holds in {@code scope} as of {@code at}; replaces the scope's previous judgement. */
  public void judge(Scope scope, List<Observation> holds, Instant at) {
    Map<String, Observation> byFingerprint = new java.util.LinkedHashMap<>();
    holds.forEach(o -> byFingerprint.put(o.fingerprint(), o));
    judgements.put(scope, new Judgement(at, Map.copyOf(byFingerprint)));
  }

  /**
   * One window's reading: the observations that hold, and the open advisor findings nothing judged recently (they
   * must not clear for want of a judgement).
   */
  public record Reading(List<Observation> holds, Set<String> unknown) {}

  Reading read(List<Finding> open, Instant now) {
    Instant oldest = now.minus(validFor);
    var holds = new java.util.ArrayList<Observation>();
    judgements.entrySet().removeIf(e -> e.getValue().at().isBefore(oldest));
    judgements.values().forEach(j -> holds.addAll(j.holds().values()));
    Set<String> unknown = new java.util.HashSet<>();
    for (Finding f : open) {
      if (!(f.evidence() instanceof Evidence.Advice a) || !RULES.contains(a.rule())) {
        continue;
      }
      boolean judged = judgements.containsKey(Scope.of(a.rule(), f.subject()))
          || judgements.containsKey(Scope.fleet(a.rule()));
      if (!judged) {
        unknown.add(f.fingerprint());
      }
    }
    holds.sort(java.util.Comparator.comparing(Observation::fingerprint));
    return new Reading(holds, unknown);
  }

  /** The subject's identity in a scope: target, oid, queryid as they apply. */
  public static String keyOf(Subject subject) {
    return switch (subject) {
      case Subject.Statement s -> s.target() + "/" + s.dbId() + "/" + s.queryId();
      case Subject.Database d -> d.target() + "/" + d.dbId();
      case Subject.Target t -> t.target();
      case Subject.Tenant t -> "tenant:" + t.tenant();
    };
  }
}
