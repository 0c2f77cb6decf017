package dev.earlybird.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One occurrence of a finding about a {@link Subject}: mostly a statement {@code (target, database, queryId)}, a
 * target for a forecast. Its kind is that of its evidence, so the two can never disagree.
 *
 * @param id unique per occurrence: the fingerprint plus when it began
 * @param fingerprint stable for (kind, target, database oid, queryId): the same problem found again, also
 *     after a restart, has the same fingerprint
 * @param since start of the first window in which the condition held
 * @param lastSeen end of the last window in which the condition held
 * @param streak consecutive windows in which the condition held
 * @param clearStreak consecutive windows in which it did not (an active finding resolves after enough)
 */
public record Finding(
    String id,
    String fingerprint,
    Severity severity,
    FindingState state,
    Subject subject,
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
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
    Objects.requireNonNull(evidence, "evidence");
  }

  public FindingKind kind() {
    return evidence.kind();
  }

  public String target() {
    return subject.target();
  }

  /** The database's oid; 0 for a finding about a target or tenant. */
  public long dbId() {
    return switch (subject) {
      case Subject.Statement s -> s.dbId();
      case Subject.Database d -> d.dbId();
      case Subject.Target t -> 0;
      case Subject.Tenant t -> 0;
    };
  }

  /** Null when not about a database, or when its oid is not known by name yet. */
  public String database() {
    return switch (subject) {
      case Subject.Statement s -> s.database();
      case Subject.Database d -> d.database();
      case Subject.Target t -> null;
      case Subject.Tenant t -> null;
    };
  }

  /** Null for a target's finding (see {@link Subject.Target#tenants}) or while the database is unnamed. */
  public String tenant() {
    return switch (subject) {
      case Subject.Statement s -> s.tenant();
      case Subject.Database d -> d.tenant();
      case Subject.Target t -> null;
      case Subject.Tenant t -> t.tenant();
    };
  }

  /** The statement's queryid; 0 when the finding is not about a statement. */
  public long queryId() {
    return subject instanceof Subject.Statement s ? s.queryId() : 0;
  }

  public String family() {
    return subject instanceof Subject.Statement s ? s.family() : null;
  }

  /** The tenants the finding concerns: its own, or all those on its target. */
  public java.util.List<String> tenants() {
    return switch (subject) {
      case Subject.Target t -> t.tenants();
      default -> tenant() == null ? java.util.List.of() : java.util.List.of(tenant());
    };
  }
}
