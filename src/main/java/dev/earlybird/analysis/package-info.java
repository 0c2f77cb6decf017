/**
 * Turning stored intervals into what a DBA acts on: CPU attribution, the hot-query list (and, later,
 * baselines, regressions, outliers, forecasts). Pure functions over records read from history; depends on
 * model, config and history.
 */
package dev.earlybird.analysis;
