package dev.earlybird.history;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to capture a statement's generic plan.
 *
 * @param outcome {@code planned}, or why not: a skip reason in lower case ({@code utility}, {@code truncated},
 *     {@code ambiguous_type}, …) or {@code no_text}
 * @param detail what the server said or which limit applied; null when planned
 * @param shapeHash the plan's shape when planned; null otherwise
 * @param totalCost the planner's total cost when planned; NaN otherwise
 * @param json the EXPLAIN output when planned; null otherwise
 */
public record PlanAttempt(
    StatementRef statement, Instant at, String outcome, String detail, String shapeHash, double totalCost,
    String json) {
  public static final String PLANNED = "planned";

  public PlanAttempt {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    if (outcome.equals(PLANNED) && (shapeHash == null || json == null)) {
      throw new IllegalArgumentException("a planned attempt has a shape and a plan");
    }
  }

  public boolean planned() {
    return outcome.equals(PLANNED);
  }
}
