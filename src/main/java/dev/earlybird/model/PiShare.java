package dev.earlybird.model;

/**
 * The part of one Performance Insights digest's load given to one pg_stat_statements entry of the target
 * ({@code analysis.PiJoin} decides). A digest that joined to nothing has one share with {@code method}
 * {@link #PI_ONLY} and dbId and queryId 0: it is still shown, marked as PI-only.
 *
 * @param method how it was joined: {@code queryid}, {@code text} or {@code none}
 * @param share the fraction of the digest's load given to this entry (1 unless several databases matched)
 */
public record PiShare(String tokenizedId, long dbId, long queryId, String method, double share, double cpuMs,
    double loadMs) {
  public static final String PI_ONLY = "none";

  public boolean piOnly() {
    return PI_ONLY.equals(method);
  }
}
