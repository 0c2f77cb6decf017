package dev.earlybird.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Numbers for people: durations with a unit that fits ("0.045 ms", "12.3 ms", "4.5 s", "2.1 h"), counts grouped,
 * instants in UTC to the second ("2026-12-08 05:30:00 UTC"; the API keeps the full ISO-8601 instant).
 */
public final class Units {
  private Units() {}

  /** A duration given in milliseconds; "-" when there is none. */
  public static String ms(Double ms) {
    if (ms == null || ms.isNaN()) {
      return "-";
    }
    double v = ms;
    double abs = Math.abs(v);
    if (abs < 1) {
      return format("%.3f ms", v);
    }
    if (abs < 100) {
      return format("%.1f ms", v);
    }
    if (abs < 1_000) {
      return format("%.0f ms", v);
    }
    if (abs < 60_000) {
      return format("%.1f s", v / 1_000);
    }
    if (abs < 3_600_000) {
      return format("%.1f min", v / 60_000);
    }
    return format("%.1f h", v / 3_600_000);
  }

  public static String count(long n) {
    return format("%,d", n);
  }

  public static String percent(double pct) {
    return format("%.1f%%", pct);
  }

  /** A ratio like "3.20x"; "-" when there is none. */
  public static String ratio(Double r) {
    return r == null ? "-" : format("%.2fx", r);
  }

  /** A change like "+212%" or "-5%"; "" when there is none. */
  public static String change(Double pct) {
    return pct == null || pct.isNaN() ? "" : format("%+.0f%%", pct);
  }

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** An instant in UTC, rounded down to the second; "" when there is none. */
  public static String time(Instant at) {
    return at == null ? "" : UTC.format(at.truncatedTo(ChronoUnit.SECONDS));
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
