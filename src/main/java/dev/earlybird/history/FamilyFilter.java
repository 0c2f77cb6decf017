package dev.earlybird.history;

import dev.earlybird.model.Period;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Window and filters of a statement-family read: the same window tiers and CPU attribution as the hot list.
 *
 * @param tenantOf a database's tenant from its name (the agent's {@code tenants.pattern}); the store keeps names,
 *     not tenants
 * @param tenant only the databases of this tenant count (their spread, their CPU); empty = all
 */
public record FamilyFilter(
    Period window, Optional<String> target, Optional<String> tenant, UnaryOperator<String> tenantOf) {
  /** The same filters over another window (the preceding period a family is compared with). */
  public FamilyFilter over(Period other) {
    return new FamilyFilter(other, target, tenant, tenantOf);
  }
}
