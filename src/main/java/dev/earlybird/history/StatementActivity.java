package dev.earlybird.history;

/**
 * A pg_stat_statements entry of a target (summed over users and nesting levels) with its execution time around
 * a window: what Performance Insights digests are joined to.
 *
 * @param text the query text (its first 2,000 characters, enough to match PI's 500 bytes); null when not asked
 *     for or not fetched yet
 */
public record StatementActivity(long dbId, long queryId, double execMs, String text) {}
