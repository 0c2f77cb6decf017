package dev.earlybird.cli;

import java.time.Instant;

/** A resolved window {@code (from, to]} and its filters; null filters mean all. */
public record ReportQuery(Instant from, Instant to, String target, String database, String tenant, int limit) {}
