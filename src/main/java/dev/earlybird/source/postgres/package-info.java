/**
 * pg_stat_statements of one PostgreSQL target: connection settings that bound Earlybird's own impact ({@link
 * dev.earlybird.source.postgres.PgConnector}), the counter snapshot per extension version 1.8 (PostgreSQL 13)
 * to 1.12 (18), with pg_stat_kcache's CPU time per statement where that extension is usable, read whole or, in steady
 * state, as a probe of every entry and the counters of the changed ones only ({@link
 * dev.earlybird.source.postgres.ChangeRule} says why that is the same snapshot), and query texts on
 * demand ({@link dev.earlybird.source.postgres.PgStatStatementsSource}), databases
 * from {@code pg_database}, and the checks behind {@code earlybird check} ({@link
 * dev.earlybird.source.postgres.TargetCheck}, {@link dev.earlybird.source.postgres.AdvisorCheck}), the generic plan
 * of a statement text without running it ({@link dev.earlybird.source.postgres.GenericPlans}), and the advisor's
 * reads in each database: pooled connections per target ({@link dev.earlybird.source.postgres.AdvisorConnections}),
 * tables, indexes and their statistics ({@link dev.earlybird.source.postgres.Catalogs}), settings ({@link
 * dev.earlybird.source.postgres.Settings}) and HypoPG's cost of a candidate index ({@link
 * dev.earlybird.source.postgres.HypotheticalIndexes}).
 *
 * <p>Read-only by construction: every read runs in its own {@code BEGIN READ ONLY} transaction that sets its
 * limits and a safe {@code search_path} ({@link dev.earlybird.source.postgres.ReadOnlyTransaction}), statistics are
 * never reset and the extension is never created; only the plan capture names a user's schemas in its {@code
 * search_path}, and it deallocates what it prepares; HypoPG's hypothetical indexes exist only inside the
 * transaction that plans with them and are reset before it ends (a session where that cannot be confirmed is
 * closed). Produces {@code dev.earlybird.model} records and {@link dev.earlybird.source.SourceException}s; may
 * depend on {@code model}, {@code source}, the PostgreSQL JDBC driver and Jackson (to read EXPLAIN's JSON), nothing
 * above (not config: the composition root maps config onto {@link
 * dev.earlybird.source.postgres.PgEndpoint}).
 */
package dev.earlybird.source.postgres;
