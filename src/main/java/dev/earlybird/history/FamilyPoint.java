package dev.earlybird.history;

import java.time.Instant;

/**
 * The per-call mean of a family over one time bucket {@code (start, end]}: one database's ({@code target} set), or
 * the median over every database that ran it then ({@code target} null, {@code calls} = how many databases).
 */
public record FamilyPoint(Instant start, Instant end, String target, long dbId, double meanMs, long calls) {
  public boolean median() {
    return target == null;
  }
}
