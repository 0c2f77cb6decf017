/**
 * Turning stored intervals into what a DBA acts on: CPU attribution, the hot-query list, baselines, regressions,
 * outliers and the morning CPU forecast of each target. Pure functions over records read from history; depends on
 * model, config and history.
 */
package dev.earlybird.analysis;
