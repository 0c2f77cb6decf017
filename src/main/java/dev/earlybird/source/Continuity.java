package dev.earlybird.source;

import dev.earlybird.model.ServerInfo;
import dev.earlybird.model.Snapshot;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Whether a snapshot continues the previous one of its target, decided before they are diffed. Counters may only be
 * subtracted when the same server kept them, and an interval needs an end after its start. Two faults break that
 * without any counter going down, so {@link StatementDiff} alone cannot see them:
 *
 * <ul>
 *   <li>the target's name now leads to another server (an RDS or Aurora failover, a DNS change): its counters are its
 *       own, often higher than the previous server's, and a naive difference invents calls that never happened here;
 *   <li>the server's clock stepped backwards: snapshots are timed by the server, so the next read looks older than the
 *       previous one.
 * </ul>
 *
 * Pure: the rules are table-driven tests.
 */
public sealed interface Continuity {
  /** Diff {@code next} against the previous snapshot as usual. */
  record Continuous(Snapshot next) implements Continuity {}

  /**
   * The same server, but its clock went back by {@code behind}: diff {@code next}, whose time is the previous read's
   * plus the agent's monotonic time between the two reads.
   */
  record Retimed(Snapshot next, Duration behind) implements Continuity {}

  /**
   * Another server answers: its counters start afresh and nothing is counted across the switch ({@code why} says how
   * it was noticed).
   */
  record NewServer(String why) implements Continuity {}

  /**
   * The clock went back by {@code behind} and the agent cannot time the interval (it restarted in between): start
   * afresh from this snapshot rather than invent the interval's length.
   */
  record Untimed(Duration behind) implements Continuity {}

  /**
   * @param previousServer what the previous successful poll read of the server, null if unknown (agent restarted)
   * @param server what this poll read
   * @param previous the previous snapshot, null if none (first sight: always continuous, the diff stores nothing)
   * @param next the snapshot just read
   * @param elapsedNanos the agent's monotonic time between the two reads, empty if unknown
   */
  static Continuity of(
      ServerInfo previousServer, ServerInfo server, Snapshot previous, Snapshot next, OptionalLong elapsedNanos) {
    Objects.requireNonNull(next, "next");
    if (previous == null) {
      return new Continuous(next);
    }
    if (previousServer != null && previousServer.systemIdentifier() != null && server.systemIdentifier() != null
        && !previousServer.systemIdentifier().equals(server.systemIdentifier())) {
      return new NewServer("its system identifier changed from " + previousServer.systemIdentifier() + " to "
          + server.systemIdentifier());
    }
    if (previous.statsReset().isPresent() && next.statsReset().isPresent()
        && !previous.statsReset().get().equals(next.statsReset().get())
        && next.statsReset().get().isBefore(previous.takenAt())) {
      // A reset after the previous read would be dated after it. An older, different reset time means these counters
      // were kept somewhere else: another server, or this one restored from a copy.
      return new NewServer("pg_stat_statements was last reset at " + next.statsReset().get()
          + ", before the previous read at " + previous.takenAt() + " (which saw a reset at "
          + previous.statsReset().get() + ")");
    }
    if (next.takenAt().isBefore(previous.takenAt())) {
      Duration behind = Duration.between(next.takenAt(), previous.takenAt());
      if (elapsedNanos.isEmpty()) {
        return new Untimed(behind);
      }
      var retimed = new Snapshot(next.target(), previous.takenAt().plusNanos(Math.max(0, elapsedNanos.getAsLong())),
          next.statsReset(), next.dealloc(), next.entries());
      return new Retimed(retimed, behind);
    }
    return new Continuous(next);
  }
}
