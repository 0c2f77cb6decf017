package dev.earlybird.schedule;

import dev.earlybird.config.AlertsConfig;
import dev.earlybird.config.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When one tenant's morning reviews run: on each workday that is not a holiday (both judged on the workday's
 * local date), at the workday start in the tenant's zone minus the lead time. Pure: every answer is a function
 * of the settings and the instant asked about.
 *
 * <p>The lead time is real elapsed time before the start, so a 90-minute lead is 90 minutes also on a night
 * the clocks change. A workday start inside a spring-forward gap moves forward by the gap's length; inside an
 * autumn overlap it is the earlier of the two (both as {@link ZonedDateTime#of} resolves them). Zones with
 * 30- and 45-minute offsets need nothing special.
 */
public record ReviewCalendar(TenantSettings settings, Duration leadTime) {
  /**
   * How long after its time a review still counts as on time: the loop that runs reviews may wake a little
   * late (a busy store, a long GC) without the review being reported late.
   */
  public static final Duration ON_TIME = Duration.ofMinutes(5);

  public ReviewCalendar {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(leadTime, "leadTime");
    if (leadTime.isNegative() || leadTime.compareTo(AlertsConfig.MAX_LEAD_TIME) >= 0) {
      // Under a day, so the review of a workday always runs on that date or the evening before.
      throw new IllegalArgumentException("leadTime must be from 0s to under 24h, got " + leadTime);
    }
  }

  /** A workday of the tenant that is not a holiday: it has a morning review. */
  public boolean hasReview(LocalDate date) {
    return settings.workdays().contains(date.getDayOfWeek()) && !settings.holidays().contains(date);
  }

  /** The review of {@code workday}, whether or not the tenant works that day. */
  public Review reviewOf(LocalDate workday) {
    Instant start = ZonedDateTime.of(workday, settings.workdayStart(), settings.timezone()).toInstant();
    return new Review(workday, start.minus(leadTime));
  }

  /** The first review strictly after {@code instant}; empty for a tenant without workdays. */
  public Optional<Review> next(Instant instant) {
    if (settings.workdays().isEmpty()) {
      return Optional.empty();
    }
    // Earlier dates' reviews ran before their workday start, which is before this date began.
    LocalDate date = localDate(instant);
    for (int i = 0; i < searchDays(); i++, date = date.plusDays(1)) {
      if (hasReview(date)) {
        Review r = reviewOf(date);
        if (r.scheduledFor().isAfter(instant)) {
          return Optional.of(r);
        }
      }
    }
    return Optional.empty();
  }

  /** The last review at or before {@code instant}; empty for a tenant without workdays. */
  public Optional<Review> latest(Instant instant) {
    if (settings.workdays().isEmpty()) {
      return Optional.empty();
    }
    // Tomorrow's review may already have run this evening (a lead time past midnight).
    LocalDate date = localDate(instant).plusDays(1);
    for (int i = 0; i < searchDays(); i++, date = date.minusDays(1)) {
      if (hasReview(date)) {
        Review r = reviewOf(date);
        if (!r.scheduledFor().isAfter(instant)) {
          return Optional.of(r);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The review to run at {@code now}, given the workday of the last review that completed (or the marker of
   * {@link #startingAt}): the latest one whose time has come, if it is not done yet. Never more than one: a
   * review missed while the agent was down runs late, older missed ones are skipped, and a done one never
   * runs again, also when a changed lead time or zone moves its time.
   */
  public Optional<Review> due(Instant now, LocalDate reviewedThrough) {
    return latest(now).filter(r -> r.workday().isAfter(reviewedThrough));
  }

  /** Whether a review run at {@code now} is late: its time passed more than {@link #ON_TIME} ago. */
  public static boolean isLate(Review review, Instant now) {
    return Duration.between(review.scheduledFor(), now).compareTo(ON_TIME) > 0;
  }

  /**
   * The "reviewed through" marker for a tenant first scheduled at {@code firstSeen}: reviews before it are
   * not owed (the agent did not know the tenant yet), the next one is. Stored once, it lets a restart tell a
   * review missed while down from one that was never due.
   */
  public LocalDate startingAt(Instant firstSeen) {
    return latest(firstSeen).map(Review::workday).orElse(localDate(firstSeen).minusDays(1));
  }

  private LocalDate localDate(Instant instant) {
    return instant.atZone(settings.timezone()).toLocalDate();
  }

  /** Enough days to pass every holiday: each week has a workday, and each holiday removes at most one. */
  private int searchDays() {
    return 7 * (settings.holidays().size() + 2);
  }
}
