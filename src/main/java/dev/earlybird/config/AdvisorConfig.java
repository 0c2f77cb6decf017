package dev.earlybird.config;

import java.time.Duration;

/**
 * The tuning advisor: plans, index and settings advice for the statements the analysis points at.
 *
 * @param enabled off: no plans are captured and no database beyond the target's connect database is opened (the
 *     counter-based advice, which needs no connection, stays)
 * @param interval how often the advisor passes over the hot, regressed, new and outlier statements
 * @param catalogRefresh how often a database's tables, indexes and statistics are read again
 * @param maxPlansPerTarget plans captured per target per pass: bounds the planning work on each server
 * @param replanAfter a statement's plan is captured again after this long (sooner when it regressed since)
 * @param minCostReductionPct how much cheaper (percent) HypoPG must make a plan to confirm an index
 * @param statementTimeout for each planning or catalog statement on the monitored server
 * @param maxConnectionsPerTarget connections the advisor holds open to one target's databases, at most
 */
public record AdvisorConfig(
    boolean enabled,
    Duration interval,
    Duration catalogRefresh,
    int maxPlansPerTarget,
    Duration replanAfter,
    double minCostReductionPct,
    Duration statementTimeout,
    int maxConnectionsPerTarget) {

  public static final AdvisorConfig DEFAULT = new AdvisorConfig(true, Duration.ofMinutes(5), Duration.ofHours(1), 20,
      Duration.ofHours(6), 50, Duration.ofSeconds(2), 2);

  public AdvisorConfig {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("advisor.interval must be positive");
    }
    if (catalogRefresh.isZero() || catalogRefresh.isNegative()) {
      throw new IllegalArgumentException("advisor.catalogRefresh must be positive");
    }
    if (maxPlansPerTarget < 1) {
      throw new IllegalArgumentException("advisor.maxPlansPerTarget must be at least 1");
    }
    if (!(minCostReductionPct > 0 && minCostReductionPct < 100)) {
      throw new IllegalArgumentException("advisor.minCostReduction must be above 0 and below 100 (percent)");
    }
    if (statementTimeout.isZero() || statementTimeout.isNegative()) {
      throw new IllegalArgumentException("advisor.statementTimeout must be positive");
    }
    if (maxConnectionsPerTarget < 1) {
      throw new IllegalArgumentException("advisor.maxConnectionsPerTarget must be at least 1");
    }
  }
}
