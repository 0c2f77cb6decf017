/**
 * The records every stage shares: statement keys, cumulative counters, snapshots, intervals, server and
 * database facts, findings (what they are about: a sealed {@link dev.earlybird.model.Subject}; their kind follows
 * from their {@link dev.earlybird.model.Evidence}), alert stages, label matchers, a statement's plan or why it has none
 * ({@link dev.earlybird.model.PlanCapture}); and the pure functions on query texts every layer needs ({@link
 * dev.earlybird.model.QueryFamily}, {@link dev.earlybird.model.QueryTextRedactor}). No I/O and no dependencies but
 * the JDK, so any package may import it.
 */
package dev.earlybird.model;
