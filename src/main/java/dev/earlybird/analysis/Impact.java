package dev.earlybird.analysis;

import dev.earlybird.model.Severity;

/**
 * Severity from impact, in seconds of database time per hour of wall clock (3600 = one core busy). Pure.
 * A regression is more urgent than a statement that is merely heavy: it is a change someone can undo.
 */
final class Impact {
  /** A quarter of a core. */
  static final double MAJOR = 900;
  /** A minute per hour: noticeable on a small instance. */
  static final double NOTICEABLE = 60;
  /** Half a core. */
  static final double HEAVY = 1800;

  private Impact() {}

  static Severity regression(double extraSecondsPerHour) {
    if (extraSecondsPerHour >= MAJOR) {
      return Severity.CRITICAL;
    }
    return extraSecondsPerHour >= NOTICEABLE ? Severity.WARNING : Severity.INFO;
  }

  static Severity newStatement(double cpuSecondsPerHour) {
    return cpuSecondsPerHour >= MAJOR ? Severity.WARNING : Severity.INFO;
  }

  static Severity outlier(double extraSecondsPerHour) {
    return extraSecondsPerHour >= MAJOR ? Severity.WARNING : Severity.INFO;
  }

  static Severity hot(double cpuSecondsPerHour) {
    return cpuSecondsPerHour >= HEAVY ? Severity.WARNING : Severity.INFO;
  }
}
