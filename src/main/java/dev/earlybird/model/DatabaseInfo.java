package dev.earlybird.model;

/** A database on a target, from {@code pg_database}, after include/exclude filtering. */
public record DatabaseInfo(String target, long oid, String name) {}
