package dev.earlybird.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Performance Insights said about one target over one aligned window {@code [from, to)}.
 *
 * @param statementsComplete true when PI returned every digest with load in the window (fewer than the requested
 *     top, no page left): a digest absent from a complete window had no load, while one absent from a full
 *     (top-N) window is merely unknown
 * @param statements the top digests by load
 * @param databases load per database ({@code db.name}), top 25
 * @param timeline the target's load per wait event type, one point per PI period
 */
public record PiWindow(
    String target,
    Period period,
    boolean statementsComplete,
    List<PiStatementLoad> statements,
    List<PiDatabaseLoad> databases,
    List<PiPoint> timeline) {
  public PiWindow {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(period, "period");
    statements = List.copyOf(statements);
    databases = List.copyOf(databases);
    timeline = List.copyOf(timeline);
  }

  /** Load of one database in the window, in ms of active session time, by wait event type. */
  public record PiDatabaseLoad(String database, double loadMs, Map<String, Double> waitMs) {
    public PiDatabaseLoad {
      Objects.requireNonNull(database, "database");
      waitMs = Map.copyOf(waitMs);
    }
  }

  /**
   * The target's average active sessions in one wait event type over the PI period ending at {@code at}
   * (PI stamps points at the period's end). {@code waitType} "" is the total over all types.
   */
  public record PiPoint(java.time.Instant at, String waitType, double averageActiveSessions) {}
}
