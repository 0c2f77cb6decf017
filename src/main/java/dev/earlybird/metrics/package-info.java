/**
 * Prometheus metrics and the in-memory fleet state the pollers publish, and the series of alert delivery and
 * morning reviews ({@link dev.earlybird.metrics.AlertMetrics}). Series are bounded by design
 * (DESIGN decision 6): per target, per database/tenant aggregates and agent self-metrics; never a query text
 * or queryid in a label. Values are computed by the pollers and served from memory; a scrape never touches a
 * database. Depends on model, config (a target's AWS link) and source (for error reasons) only.
 */
package dev.earlybird.metrics;
