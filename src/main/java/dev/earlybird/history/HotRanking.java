package dev.earlybird.history;

import java.util.List;
import java.util.Map;

/**
 * The top of a window's hot list as the store ranks it ({@link HistoryStore#hotRanking}).
 *
 * @param rows the statements with the most CPU, most first
 * @param targetCpuMs per target, the CPU of all its statements in the window that pass the database filter (before
 *     the name predicate and the limit): what a row's share of its target is taken of
 */
public record HotRanking(List<HotQueryRow> rows, Map<String, Double> targetCpuMs) {
  public HotRanking {
    rows = List.copyOf(rows);
    targetCpuMs = Map.copyOf(targetCpuMs);
  }
}
