package dev.earlybird.history;

import dev.earlybird.model.DatabaseCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the tuning advisor keeps: statements' plans by shape, and the latest catalog read of each database. */
public interface AdvisorStore {
  /** Records an attempt; a planned one adds its shape or refreshes it (last seen, cost, plan). */
  void recordPlan(PlanAttempt attempt);

  /** The shapes a statement's plan has had, the most recently seen first. */
  List<StoredPlan> plans(StatementRef statement);

  /** The latest attempt to plan a statement. */
  Optional<PlanAttempt> lastAttempt(StatementRef statement);

  /** The latest attempt for each statement of a target that was ever tried, by statement. */
  java.util.Map<StatementRef, Instant> lastAttempts(String target);

  /**
   * Statements whose text may create a temporary table (a coarse match; the rule reads the text to be sure), at most
   * {@code limit}.
   */
  List<StatementRef> temporaryTableCreators(int limit);

  /** Replaces the stored catalog of {@code catalog}'s database. */
  void saveCatalog(DatabaseCatalog catalog);

  Optional<DatabaseCatalog> catalog(String target, long dbId);

  /** Every stored catalog: the fleet the drift rule compares. */
  List<DatabaseCatalog> catalogs();

  /** Plans not seen since {@code before} and catalogs of databases not read since then go, in the caller's write. */
  static void purge(java.sql.Connection c, Instant before) throws java.sql.SQLException {
    long us = Columns.micros(before);
    SqlRows.update(c, "DELETE FROM plan WHERE last_seen_us < ?", us);
    SqlRows.update(c, "DELETE FROM plan_attempt WHERE at_us < ?", us);
    SqlRows.update(c, """
        DELETE FROM catalog_relation x WHERE EXISTS (SELECT 1 FROM catalog_database d
          WHERE d.target = x.target AND d.db_id = x.db_id AND d.read_us < ?)""", us);
    SqlRows.update(c, """
        DELETE FROM catalog_index x WHERE EXISTS (SELECT 1 FROM catalog_database d
          WHERE d.target = x.target AND d.db_id = x.db_id AND d.read_us < ?)""", us);
    SqlRows.update(c, "DELETE FROM catalog_database WHERE read_us < ?", us);
  }
}
