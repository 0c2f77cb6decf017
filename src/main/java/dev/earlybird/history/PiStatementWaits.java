package dev.earlybird.history;

import java.util.List;
import java.util.Map;

/**
 * One statement's Performance Insights load over a read window.
 *
 * @param digests the PI digests ({@code db.sql_tokenized.id}) joined to it
 * @param methods how they were joined ({@code queryid}, {@code text})
 * @param windows PI windows that had it
 * @param waitMs load by wait event type, in ms of session time
 */
public record PiStatementWaits(
    List<String> digests, List<String> methods, int windows, double loadMs, double cpuMs, Map<String, Double> waitMs) {}
