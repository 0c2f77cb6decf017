package dev.earlybird.web;

import dev.earlybird.model.TimeWindow;
import java.time.Instant;
import java.time.ZoneId;

/** A time window from request parameters ({@link TimeWindow}'s rules); a wrong parameter is a 400. */
record Window(Instant from, Instant to) {
  /**
   * @param zone the zone a calendar date is read in (the tenant's when filtering by tenant, else UTC)
   */
  static Window parse(String from, String to, String date, Instant now, ZoneId zone) {
    try {
      TimeWindow w = TimeWindow.parse(from, to, date, now, zone, p -> "'" + p + "'");
      return new Window(w.from(), w.to());
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
  }
}
