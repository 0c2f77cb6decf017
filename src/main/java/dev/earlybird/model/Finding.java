package dev.earlybird.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One occurrence of a finding about a statement {@code (target, database, queryId)}.
 *
 * @param id unique per occurrence: the fingerprint plus when it began
 * @param fingerprint stable for (kind, target, database oid, queryId): the same problem found again, also
 *     after a restart, has the same fingerprint
 * @param since start of the first window in which the condition held
 * @param lastSeen end of the last window in which the condition held
 * @param streak consecutive windows in which the condition held
 * @param clearStreak consecutive windows in which it did not (an active finding resolves after enough)
 * @param database null when the oid is not known by name yet
 */
public record Finding(
    String id,
    String fingerprint,
    FindingKind kind,
    Severity severity,
    FindingState state,
    String target,
    long dbId,
    String database,
    String tenant,
    long queryId,
    String family,
    String summary,
    Instant since,
    Instant lastSeen,
    Optional<Instant> resolvedAt,
    int streak,
    int clearStreak,
    Evidence evidence) {
  public Finding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
    Objects.requireNonNull(evidence, "evidence");
  }
}
