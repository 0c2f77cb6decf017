/**
 * Turning stored intervals into what a DBA acts on: CPU attribution, the hot-query list, baselines, regressions,
 * outliers, the morning CPU forecast of each target, and what an EXPLAIN plan is made of ({@link
 * dev.earlybird.analysis.PlanShape}: its nodes and a hash of its shape, read with Jackson), and the advisor's rules
 * over plans and catalogs (index candidates from a plan's filters, missing indexes as HypoPG judged them, fleet index
 * drift, stale statistics, temp-table churn, server settings, plan diffs, and whether applied advice helped). Pure
 * functions over records read from history; the alerts a window's finding changes raise come in through {@link
 * dev.earlybird.analysis.FindingAlerts} and are stored with them. Depends on model, config and history.
 */
package dev.earlybird.analysis;
