package dev.earlybird.testing;

import java.util.Arrays;
import java.util.List;

/**
 * The PostgreSQL majors Earlybird supports and tests against. Use as a parameter source:
 * {@code @MethodSource("dev.earlybird.testing.PostgresVersions#all")}.
 *
 * <p>System property {@code earlybird.pgVersions} (e.g. {@code -Dearlybird.pgVersions=17,18}) narrows the set for a
 * quick local run; CI leaves it unset and gets every major.
 */
public final class PostgresVersions {
  /** Every supported major, oldest first. */
  public static final List<Integer> SUPPORTED = List.of(13, 14, 15, 16, 17, 18);

  private PostgresVersions() {}

  /** The majors to test: {@link #SUPPORTED}, or the subset named by {@code earlybird.pgVersions}. */
  public static List<Integer> all() {
    String only = System.getProperty("earlybird.pgVersions", "").strip();
    if (only.isEmpty()) {
      return SUPPORTED;
    }
    return Arrays.stream(only.split(","))
        .map(String::strip)
        .map(Integer::valueOf)
        .filter(SUPPORTED::contains)
        .toList();
  }

  /** The newest supported major, for tests that need one server but not every version. */
  public static int newest() {
    List<Integer> all = all();
    return all.get(all.size() - 1);
  }
}
