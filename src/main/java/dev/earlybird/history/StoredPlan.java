package dev.earlybird.history;

import java.time.Instant;

/** One shape a statement's generic plan has had: when it was first and last seen, and its latest EXPLAIN output. */
public record StoredPlan(
    StatementRef statement, String shapeHash, Instant firstSeen, Instant lastSeen, double totalCost, String json) {}
