package dev.earlybird.model;

import java.util.Objects;

/**
 * A statement's generic plan cost without and with one hypothetical index (HypoPG): what the planner expects the
 * index to save, before anyone builds it.
 *
 * @param ddl the CREATE INDEX that was tried
 * @param costBefore the plan's total cost without it
 * @param costAfter the plan's total cost with it
 * @param used whether the plan with the hypothetical index uses it at all
 */
public record HypotheticalCost(String ddl, double costBefore, double costAfter, boolean used) {
  public HypotheticalCost {
    Objects.requireNonNull(ddl, "ddl");
  }

  /** How much cheaper the plan gets, in percent of the cost before; 0 when it does not (never negative). */
  public double reductionPct() {
    if (!(costBefore > 0) || costAfter >= costBefore) {
      return 0;
    }
    return 100 * (costBefore - costAfter) / costBefore;
  }
}
