package dev.earlybird.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files, Prometheus-style: {@code 500ms}, {@code 5s},
 * {@code 10m}, {@code 2h}, {@code 28d}, and combinations from the largest unit down such as {@code 1h30m}.
 * A day is always 24 hours (these are windows and intervals, not calendar days).
 */
public final class Durations {
  static final String EXPECTED = "expected a duration like 500ms, 5s, 10m, 2h or 28d";

  // Longest unit names first in the alternation so "10ms" is not read as 10 minutes and a stray "s".
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final String[] SUFFIXES = {"d", "h", "m", "s", "ms"};
  private static final long[] UNIT_MS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};

  private Durations() {}

  /** Parses a non-negative duration; throws IllegalArgumentException saying what is expected. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; " + EXPECTED);
    }
    String s = text.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          Values.quote(text) + " has no unit; " + EXPECTED + " (write " + s + "s for seconds)");
    }
    Matcher m = PART.matcher(s);
    long totalMs = 0;
    int previousUnit = -1;
    int pos = 0;
    while (pos < s.length()) {
      m.region(pos, s.length());
      if (!m.lookingAt()) {
        throw notADuration(text);
      }
      int unit = unitIndex(m.group(2));
      if (unit <= previousUnit) {
        // "30m1h" or "5s5s" is more likely a typo than an intent.
        throw new IllegalArgumentException(
            Values.quote(text) + " is not a duration; " + EXPECTED + " (combine units from largest to smallest, "
                + "each once, like 1h30m)");
      }
      try {
        totalMs = Math.addExact(totalMs, Math.multiplyExact(Long.parseLong(m.group(1)), UNIT_MS[unit]));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException(Values.quote(text) + " is too long a duration; " + EXPECTED);
      }
      previousUnit = unit;
      pos = m.end();
    }
    return Duration.ofMillis(totalMs);
  }

  /**
   * The shortest text {@link #parse} reads back as {@code duration}: {@code 90m} rather than {@code 1h30m},
   * {@code 1d1ms} rather than {@code 86400001ms}. Parts below a millisecond are dropped.
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    long ms = duration.toMillis();
    if (ms == 0) {
      return "0s";
    }
    String single = null;
    for (int i = 0; i < UNIT_MS.length && single == null; i++) {
      if (ms % UNIT_MS[i] == 0) {
        single = (ms / UNIT_MS[i]) + SUFFIXES[i];
      }
    }
    StringBuilder combined = new StringBuilder();
    long rest = ms;
    for (int i = 0; i < UNIT_MS.length; i++) {
      if (rest >= UNIT_MS[i]) {
        combined.append(rest / UNIT_MS[i]).append(SUFFIXES[i]);
        rest %= UNIT_MS[i];
      }
    }
    return combined.length() < single.length() ? combined.toString() : single;
  }

  private static int unitIndex(String suffix) {
    for (int i = 0; i < SUFFIXES.length; i++) {
      if (SUFFIXES[i].equals(suffix)) {
        return i;
      }
    }
    throw new AssertionError(suffix);
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException(Values.quote(text) + " is not a duration; " + EXPECTED);
  }
}
