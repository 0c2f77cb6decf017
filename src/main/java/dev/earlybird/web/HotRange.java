package dev.earlybird.web;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The hot list's window: {@code range} (a preset a DBA clicks: the last hour, the last 24 hours, yesterday, the last 7
 * days) or {@code from}/{@code to}/{@code date} as everywhere else ({@link Window}). {@code from} and {@code to} may
 * also be a local date-time without an offset, as an {@code <input type="datetime-local">} sends it: read in the
 * tenant's zone when a tenant is given, else in UTC, like {@code date}.
 */
enum HotRange {
  LAST_HOUR("1h", "Last hour"),
  LAST_24_HOURS("24h", "Last 24 h"),
  YESTERDAY("yesterday", "Yesterday"),
  LAST_7_DAYS("7d", "Last 7 days");

  final String param;
  final String label;

  HotRange(String param, String label) {
    this.param = param;
    this.label = label;
  }

  Window window(Instant now, ZoneId zone) {
    return switch (this) {
      case LAST_HOUR -> new Window(now.minus(Duration.ofHours(1)), now);
      case LAST_24_HOURS -> new Window(now.minus(Duration.ofHours(24)), now);
      case LAST_7_DAYS -> new Window(now.minus(Duration.ofDays(7)), now);
      case YESTERDAY -> {
        LocalDate today = LocalDate.ofInstant(now, zone);
        yield new Window(today.minusDays(1).atStartOfDay(zone).toInstant(), today.atStartOfDay(zone).toInstant());
      }
    };
  }

  /** The window the parameters ask for; a wrong or conflicting parameter is a 400 naming it. */
  static Window parse(String range, String from, String to, String date, Instant now, ZoneId zone) {
    if (range == null || range.isBlank()) {
      return Window.parse(local(from, zone), local(to, zone), date, now, zone);
    }
    if (from != null || to != null || date != null) {
      throw new BadRequest("give either 'range' or 'from'/'to' or 'date', not both");
    }
    return Arrays.stream(values()).filter(r -> r.param.equals(range.strip())).findFirst()
        .orElseThrow(() -> new BadRequest("'range' must be one of " + Arrays.stream(values()).map(r -> r.param)
            .collect(Collectors.joining(", ")) + ", got '" + range + "'"))
        .window(now, zone);
  }

  /** A local date-time (no offset) as the instant it is in {@code zone}; anything else as it was given. */
  private static String local(String value, ZoneId zone) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(value.strip()).atZone(zone).toInstant().toString();
    } catch (DateTimeException e) {
      return value; // an instant, or wrong: Window says which
    }
  }
}
