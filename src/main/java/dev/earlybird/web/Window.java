package dev.earlybird.web;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** A time window from request parameters: {@code from}+{@code to}, or a calendar {@code date}, or the last 24 h. */
record Window(Instant from, Instant to) {
  static final Duration DEFAULT_LENGTH = Duration.ofHours(24);

  Window {
    if (!from.isBefore(to)) {
      throw new BadRequest("'from' (" + from + ") must be before 'to' (" + to + ")");
    }
  }

  /**
   * @param zone the zone a calendar date is read in (the tenant's when filtering by tenant, else UTC)
   */
  static Window parse(String from, String to, String date, Instant now, ZoneId zone) {
    if (date != null) {
      if (from != null || to != null) {
        throw new BadRequest("give either 'date' or 'from'/'to', not both");
      }
      try {
        LocalDate day = LocalDate.parse(date);
        return new Window(day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
      } catch (DateTimeException e) {
        throw new BadRequest("'date' must be a calendar date like 2026-11-20, got '" + date + "'");
      }
    }
    Instant end = to == null ? now : instant("to", to);
    Instant start = from == null ? end.minus(DEFAULT_LENGTH) : instant("from", from);
    return new Window(start, end);
  }

  private static Instant instant(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeException e) {
      try {
        return java.time.OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeException e2) {
        throw new BadRequest(
            "'" + name + "' must be an ISO-8601 instant like 2026-11-20T06:00:00Z, got '" + value + "'");
      }
    }
  }
}
