package dev.earlybird.analysis;

import dev.earlybird.history.AlertWrites;
import dev.earlybird.model.Finding;
import java.util.List;

/**
 * The alerts and notifications one window's finding changes raise; the analysis stores them with the changes, in
 * one transaction, so a crash can neither lose an alert nor raise one for a change that was not stored.
 */
@FunctionalInterface
public interface FindingAlerts {
  FindingAlerts NONE = (before, changed) -> AlertWrites.NONE;

  /**
   * @param before the open findings before the window
   * @param changed the findings the window changed
   */
  AlertWrites of(List<Finding> before, List<Finding> changed);
}
