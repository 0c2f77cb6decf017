/**
 * History: the store interface ({@link dev.earlybird.history.HistoryStore}, all of its roles in one: what a poll writes,
 * findings, pinned baselines, CloudWatch, Performance Insights, statement reads, upkeep; a class that needs one role
 * takes that role), its SQL and transactions over JDBC
 * ({@link dev.earlybird.history.JdbcHistoryStore}) on an engine that holds only how connections are opened and
 * replaced (the embedded DuckDB file: {@link dev.earlybird.history.DuckDbHistoryStore}; a PostgreSQL database that
 * several replicas share: {@link dev.earlybird.history.PostgresHistoryStore}), the advisory locks the replicas split
 * the fleet's shards by ({@code ShardLocks}, claimed through {@link dev.earlybird.history.ShardClaims} and kept as
 * {@link dev.earlybird.history.Ownership}), the checks that keep a shared store exact (a poll is refused when another
 * replica stored the target since: {@link dev.earlybird.history.SnapshotMovedException}; polls and rollups are ordered
 * by a lock; one replica at a time runs maintenance), bulk inserts through the one
 * seam where engines differ ({@code BulkRows}: DuckDB's Appender, PostgreSQL's COPY), schema migrations (SQL, and code
 * where SQL cannot do the work: {@link dev.earlybird.history.QueryTextScrub}), the single writer thread
 * ({@link dev.earlybird.history.HistoryWriter}), hourly/daily rollups and retention, whether the store writes
 * ({@link dev.earlybird.history.StoreHealth}), and the alerting tables ({@link dev.earlybird.history.Alerting}: alerts,
 * the outbox, morning reviews, silences), written in the same transactions as what caused them; the advisor's
 * tables ({@link dev.earlybird.history.AdvisorStore}: statements' plans by shape, each database's latest catalog).
 * Reads of statement families across the fleet ({@link dev.earlybird.history.FamilyReads}) run in SQL that
 * PostgreSQL accepts too. Long lists page by key, not by offset, so inserts never shift a page: findings and reviews
 * from a keyset position ({@link dev.earlybird.history.FindingFilter.Seek}, {@link dev.earlybird.history.ReviewStore.Seek}),
 * alerts and silences through {@link dev.earlybird.history.Keyset}.
 * The hot list is ranked in the store, one statement for its top and one for its baselines
 * ({@link dev.earlybird.history.HistoryStore#hotRanking}, {@link dev.earlybird.history.HistoryStore#callTimes}), not
 * by reading every statement of the window. Window reads are planned from the rollup watermarks into (table, range)
 * pieces with constant bounds ({@link dev.earlybird.history.WindowTiers}), and the last 24 hours, the day before and
 * the same hours of the past four weeks are kept summed per statement (rolling day spans, rebuilt after each hourly
 * rollup), so a day's read takes one row per statement instead of 23.
 *
 * <p>Depends only on {@code dev.earlybird.model}, the JDK and JDBC (the DuckDB and PostgreSQL drivers for bulk inserts
 * and their connections).
 */
package dev.earlybird.history;
