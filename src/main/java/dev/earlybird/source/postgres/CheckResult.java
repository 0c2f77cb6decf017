package dev.earlybird.source.postgres;

import java.util.Objects;

/**
 * One line of {@code earlybird check} for a target.
 *
 * @param name what was checked, e.g. "reachable", "pg_stat_statements readable"
 * @param detail what was found, safe to print (no secrets)
 * @param fix what to do about a WARN or FAIL; empty for PASS
 */
public record CheckResult(String name, Status status, String detail, String fix) {
  public enum Status {
    PASS,
    WARN,
    FAIL
  }

  public CheckResult {
    Objects.requireNonNull(name);
    Objects.requireNonNull(status);
    detail = detail == null ? "" : detail;
    fix = fix == null ? "" : fix;
    if (status != Status.PASS && fix.isBlank()) {
      throw new IllegalArgumentException("a " + status + " result needs a fix: " + name);
    }
  }

  static CheckResult pass(String name, String detail) {
    return new CheckResult(name, Status.PASS, detail, "");
  }

  static CheckResult warn(String name, String detail, String fix) {
    return new CheckResult(name, Status.WARN, detail, fix);
  }

  static CheckResult fail(String name, String detail, String fix) {
    return new CheckResult(name, Status.FAIL, detail, fix);
  }
}
