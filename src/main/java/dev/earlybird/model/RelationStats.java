package dev.earlybird.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of a monitored database: how large the planner thinks it is, and how fresh its statistics are
 * ({@code pg_class} and {@code pg_stat_user_tables}).
 *
 * @param kind {@code r} table, {@code p} partitioned table, {@code m} materialized view (pg_class.relkind)
 * @param reltuples the planner's row estimate; negative (-1) on 14+ for a table never vacuumed or analyzed
 * @param relpages pages as of the last VACUUM or ANALYZE
 * @param sizeBytes the main fork's size now ({@code pg_relation_size})
 * @param nModSinceAnalyze rows changed since the last analyze (statistics drift)
 */
public record RelationStats(
    String schema,
    String table,
    String kind,
    double reltuples,
    long relpages,
    long sizeBytes,
    long nLiveTup,
    long nDeadTup,
    long nModSinceAnalyze,
    Optional<Instant> lastAnalyze,
    Optional<Instant> lastAutoanalyze) {

  public RelationStats {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lastAnalyze, "lastAnalyze");
    Objects.requireNonNull(lastAutoanalyze, "lastAutoanalyze");
  }

  public String qualifiedTable() {
    return schema + "." + table;
  }

  /** The later of the manual and the automatic analyze, if either ever ran. */
  public Optional<Instant> analyzedAt() {
    if (lastAnalyze.isEmpty()) {
      return lastAutoanalyze;
    }
    if (lastAutoanalyze.isEmpty()) {
      return lastAnalyze;
    }
    return lastAnalyze.get().isAfter(lastAutoanalyze.get()) ? lastAnalyze : lastAutoanalyze;
  }
}
