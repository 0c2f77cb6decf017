package dev.earlybird.history;

/** Identity of a stored query text within a target. */
public record TextKey(long dbId, long queryId) {}
