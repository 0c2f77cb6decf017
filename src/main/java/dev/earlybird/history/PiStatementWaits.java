package dev.earlybird.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One statement's Performance Insights load over a read window.
 *
 * @param digests the PI digests ({@code db.sql_tokenized.id}) joined to it
 * @param methods how they were joined ({@code queryid}, {@code text})
 * @param windows PI windows that had it
 * @param waitMs load by wait event type, in ms of session time
 * @param timeline the same per PI window that had it, oldest first
 */
public record PiStatementWaits(
    List<String> digests, List<String> methods, int windows, double loadMs, double cpuMs, Map<String, Double> waitMs,
    List<Window> timeline) {
  public PiStatementWaits {
    timeline = List.copyOf(timeline);
  }

  /** One PI window's session time of the statement by wait event type, in ms (its digests summed). */
  public record Window(Instant start, Instant end, Map<String, Double> waitMs) {}
}
