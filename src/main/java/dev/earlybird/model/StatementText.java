package dev.earlybird.model;

/**
 * Normalized query text of one statement, as pg_stat_statements shows it, possibly cut to a maximum length.
 *
 * @param family hash of the text with layout and constants folded; the same SQL across tenant databases
 */
public record StatementText(String target, long dbId, long queryId, String text, boolean truncated, String family) {}
