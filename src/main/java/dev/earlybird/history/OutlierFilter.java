package dev.earlybird.history;

/**
 * @param minCalls calls a database needs in the window for its mean to count
 * @param minDatabases databases that must run the family for a median to mean anything
 * @param minRatio mean over the family's median
 * @param minExtraMs (mean - median) x calls over the window, in milliseconds
 */
public record OutlierFilter(long minCalls, int minDatabases, double minRatio, double minExtraMs) {}
