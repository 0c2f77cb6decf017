package dev.earlybird.model;

/**
 * Identity of one pg_stat_statements entry on one target. {@code queryId} alone is not unique: it repeats
 * across databases cloned from one template, across users and across nesting levels.
 *
 * @param toplevel true on servers before 14, which have no {@code toplevel} column (every entry is top level)
 */
public record StatementKey(String target, long dbId, long userId, long queryId, boolean toplevel) {
  public StatementKey {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("target must not be blank");
    }
  }
}
