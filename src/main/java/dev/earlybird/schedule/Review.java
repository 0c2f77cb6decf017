package dev.earlybird.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One morning review of a tenant's calendar.
 *
 * @param workday the tenant's local date the review prepares; with a long lead time the review runs on the
 *     evening before, and still belongs to this date (which is what the store keys "already reviewed" by)
 * @param scheduledFor the workday start on that date in the tenant's zone, minus the lead time
 */
public record Review(LocalDate workday, Instant scheduledFor) {
  public Review {
    Objects.requireNonNull(workday, "workday");
    Objects.requireNonNull(scheduledFor, "scheduledFor");
  }
}
