package dev.earlybird.model;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.function.UnaryOperator;

/**
 * A time window {@code (from, to]} chosen the way people ask for one: {@code from}+{@code to} (ISO-8601), a
 * calendar {@code date} in a zone, or the last 24 hours. One parser for the HTTP API and the command line,
 * so both read the same words the same way; each names its parameters its own way ({@code 'date'} or
 * {@code --date}) in the errors, which are IllegalArgumentExceptions saying what is expected, with an example.
 */
public record TimeWindow(Instant from, Instant to) {
  public static final Duration DEFAULT_LENGTH = Duration.ofHours(24);

  public TimeWindow {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("window ends before it starts: " + from + " .. " + to);
    }
  }

  /**
   * @param zone the zone a calendar date is read in (the tenant's when filtering by tenant, else UTC)
   * @param name how the caller spells a parameter in messages: "from" to "'from'" or "--from"
   */
  public static TimeWindow parse(
      String from, String to, String date, Instant now, ZoneId zone, UnaryOperator<String> name) {
    if (date != null) {
      if (from != null || to != null) {
        throw new IllegalArgumentException(
            "give either " + name.apply("date") + " or " + name.apply("from") + "/" + name.apply("to") + ", not both");
      }
      try {
        LocalDate day = LocalDate.parse(date.strip());
        return new TimeWindow(day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            name.apply("date") + " must be a calendar date like 2026-11-20, got '" + date + "'");
      }
    }
    Instant end = to == null ? now : instant(name.apply("to"), to);
    Instant start = from == null ? end.minus(DEFAULT_LENGTH) : instant(name.apply("from"), from);
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException(
          name.apply("from") + " (" + start + ") must be before " + name.apply("to") + " (" + end + ")");
    }
    return new TimeWindow(start, end);
  }

  /** An ISO-8601 instant, in UTC ({@code Z}) or with an offset. */
  public static Instant instant(String name, String value) {
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeException e) {
      try {
        return OffsetDateTime.parse(value.strip()).toInstant();
      } catch (DateTimeException e2) {
        throw new IllegalArgumentException(
            name + " must be an ISO-8601 instant like 2026-11-20T06:00:00Z, got '" + value + "'");
      }
    }
  }
}
