package dev.earlybird.history;

/** A statement as the hot list and findings see it: per (target, database oid, queryId). */
public record StatementRef(String target, long dbId, long queryId) {}
