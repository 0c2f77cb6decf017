package dev.earlybird.schedule;

import static dev.earlybird.schedule.ReviewCalendarTest.LEAD;
import static dev.earlybird.schedule.ReviewCalendarTest.MON_FRI;
import static dev.earlybird.schedule.ReviewCalendarTest.calendar;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one timer queue: restarts across review times, and 700 tenants over a simulated fortnight. */
class ReviewQueueTest {
  static final LocalDate FRIDAY = LocalDate.of(2026, 12, 4);
  static final LocalDate MONDAY = LocalDate.of(2026, 12, 7);
  // New York, 07:00 minus 90 minutes: 05:30 EST = 10:30Z.
  static final ReviewCalendar NEW_YORK = calendar("America/New_York", "07:00", MON_FRI, LEAD);

  @Test
  void aReviewRunsOnTimeOnceAndTheNextIsQueued() {
    SimulatedClock clock = new SimulatedClock(Instant.parse("2026-12-07T09:00:00Z"));
    ReviewQueue queue = new ReviewQueue(clock);
    queue.put("acme", NEW_YORK, FRIDAY);
    assertThat(queue.due()).isEmpty();
    assertThat(queue.nextWakeUp()).contains(Instant.parse("2026-12-07T10:30:00Z"));

    clock.set(queue.nextWakeUp().orElseThrow().plus(Duration.ofMinutes(2))); // a sluggish wake-up is still on time
    assertThat(queue.due()).containsExactly(
        new DueReview("acme", MONDAY, Instant.parse("2026-12-07T10:30:00Z"), false));
    assertThat(queue.due()).isEmpty();
    assertThat(queue.nextWakeUp()).contains(Instant.parse("2026-12-08T10:30:00Z"));
  }

  @Test
  void aRestartAcrossAReviewTimeRunsItLateExactlyOnce() {
    // Down from 05:00 to 08:00 New York time on Monday; the store says Friday was the last review.
    SimulatedClock clock = new SimulatedClock(Instant.parse("2026-12-07T13:00:00Z"));
    ReviewQueue restarted = new ReviewQueue(clock);
    restarted.put("acme", NEW_YORK, FRIDAY);
    assertThat(restarted.nextWakeUp().orElseThrow()).isBeforeOrEqualTo(clock.instant());
    assertThat(restarted.due()).containsExactly(
        new DueReview("acme", MONDAY, Instant.parse("2026-12-07T10:30:00Z"), true));
    assertThat(restarted.due()).isEmpty();
    // A config reload that hands back the store's older answer does not bring it back either.
    restarted.put("acme", NEW_YORK, FRIDAY);
    assertThat(restarted.due()).isEmpty();

    // kill -9 after the review was stored: the next process reads Monday back and runs nothing twice.
    clock.advance(Duration.ofMinutes(30));
    ReviewQueue again = new ReviewQueue(clock);
    again.put("acme", NEW_YORK, MONDAY);
    assertThat(again.due()).isEmpty();
    assertThat(again.nextWakeUp()).contains(Instant.parse("2026-12-08T10:30:00Z"));

    // kill -9 before it was stored: it runs (late) in the next process instead of never.
    ReviewQueue lost = new ReviewQueue(clock);
    lost.put("acme", NEW_YORK, FRIDAY);
    assertThat(lost.due()).extracting(DueReview::workday, DueReview::late).containsExactly(
        org.assertj.core.groups.Tuple.tuple(MONDAY, true));
  }

  @Test
  void aRestartAfterTwoMissedDaysRunsOnlyTheLatestLate() {
    // Down from Monday 05:00 to Wednesday 08:00 New York time.
    SimulatedClock clock = new SimulatedClock(Instant.parse("2026-12-09T13:00:00Z"));
    ReviewQueue queue = new ReviewQueue(clock);
    queue.put("acme", NEW_YORK, FRIDAY);
    assertThat(queue.due()).containsExactly(
        new DueReview("acme", LocalDate.of(2026, 12, 9), Instant.parse("2026-12-09T10:30:00Z"), true));
    assertThat(queue.due()).isEmpty();
  }

  @Test
  void aTenantSeenForTheFirstTimeOwesNothingFromBeforeIt() {
    SimulatedClock clock = new SimulatedClock(Instant.parse("2026-12-07T13:00:00Z"));
    ReviewQueue queue = new ReviewQueue(clock);
    queue.put("acme", NEW_YORK, NEW_YORK.startingAt(clock.instant()));
    assertThat(queue.due()).isEmpty();
    assertThat(queue.nextWakeUp()).contains(Instant.parse("2026-12-08T10:30:00Z"));
    // Seen at 05:00 and restarted at 08:00 before its first review: that one is owed, and late.
    LocalDate marker = NEW_YORK.startingAt(Instant.parse("2026-12-07T10:00:00Z"));
    ReviewQueue restarted = new ReviewQueue(clock);
    restarted.put("acme", NEW_YORK, marker);
    assertThat(restarted.due()).extracting(DueReview::workday).containsExactly(MONDAY);
  }

  @Test
  void aRemovedTenantIsNotReviewed() {
    SimulatedClock clock = new SimulatedClock(Instant.parse("2026-12-07T09:00:00Z"));
    ReviewQueue queue = new ReviewQueue(clock);
    queue.put("acme", NEW_YORK, FRIDAY);
    queue.put("globex", NEW_YORK, FRIDAY);
    queue.remove("acme");
    clock.set(Instant.parse("2026-12-07T10:30:00Z"));
    assertThat(queue.due()).extracting(DueReview::tenant).containsExactly("globex");
    assertThat(queue.tenants()).isEqualTo(1);
  }

  static final List<String> ZONES = List.of(
      "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
      "America/St_Johns", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "Asia/Jerusalem",
      "Asia/Tehran", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Australia/Sydney",
      "Australia/Adelaide", "Australia/Eucla", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Honolulu");
  static final LocalDate GOOD_FRIDAY = LocalDate.of(2026, 4, 3);

  /**
   * 700 tenants in 20 zones (with -03:30, +03:30, +05:30, +05:45, +08:45, +09:30 and +12:45 offsets), three
   * kinds of working week and a holiday, through one queue for a fortnight that crosses the European change
   * (March 29) and the end of southern summer time (April 5). The loop sleeps by jumping the clock to the
   * next wake-up, as the scheduler will sleep on it: no thread per tenant, one wake-up per distinct time.
   */
  @Test
  void sevenHundredTenantsThroughOneQueueOverAFortnight() {
    Instant start = Instant.parse("2026-03-22T12:00:00Z");
    Instant end = start.plus(Duration.ofDays(14));
    SimulatedClock clock = new SimulatedClock(start);
    ReviewQueue queue = new ReviewQueue(clock);
    Map<String, ReviewCalendar> calendars = new HashMap<>();
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 700; i++) {
      String tenant = "tenant_%03d".formatted(i);
      Set<DayOfWeek> days = switch (i % 5) {
        case 3 -> EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.SATURDAY);
        case 4 -> EnumSet.of(DayOfWeek.SUNDAY, DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY);
        default -> MON_FRI;
      };
      LocalDate[] holidays = i % 7 == 0 ? new LocalDate[] {GOOD_FRIDAY} : new LocalDate[0];
      String workdayStart = i % 2 == 0 ? "07:00" : "08:30";
      ReviewCalendar c = calendar(ZONES.get(i % ZONES.size()), workdayStart, days, LEAD, holidays);
      calendars.put(tenant, c);
      // Each weekday occurs twice in 14 days; a holiday on a workday takes one away.
      expected.put(tenant, 2 * days.size() - (holidays.length > 0 && days.contains(DayOfWeek.FRIDAY) ? 1 : 0));
      queue.put(tenant, c, c.startingAt(start));
    }
    assertThat(queue.due()).isEmpty();

    Map<String, List<DueReview>> ran = new HashMap<>();
    Set<Instant> distinctTimes = new HashSet<>();
    int wakeUps = 0;
    for (Instant wake = queue.nextWakeUp().orElseThrow(); !wake.isAfter(end);
        wake = queue.nextWakeUp().orElseThrow()) {
      clock.set(wake);
      wakeUps++;
      List<DueReview> due = queue.due();
      assertThat(due).isNotEmpty();
      for (DueReview r : due) {
        ran.computeIfAbsent(r.tenant(), t -> new ArrayList<>()).add(r);
        distinctTimes.add(r.scheduledFor());
      }
    }

    assertThat(queue.tenants()).isEqualTo(700);
    assertThat(ran).hasSize(700);
    assertThat(wakeUps).isEqualTo(distinctTimes.size());
    int total = 0;
    for (var e : ran.entrySet()) {
      ReviewCalendar c = calendars.get(e.getKey());
      ZoneId zone = c.settings().timezone();
      List<DueReview> reviews = e.getValue();
      assertThat(reviews).as(e.getKey()).hasSize(expected.get(e.getKey()));
      assertThat(reviews.stream().map(DueReview::workday).distinct()).as(e.getKey()).hasSameSizeAs(reviews);
      for (DueReview r : reviews) {
        assertThat(r.late()).isFalse();
        assertThat(c.settings().workdays()).contains(r.workday().getDayOfWeek());
        assertThat(c.settings().holidays()).doesNotContain(r.workday());
        assertThat(r.scheduledFor().atZone(zone).toLocalDateTime())
            .isEqualTo(r.workday().atTime(c.settings().workdayStart().minus(LEAD)));
      }
      total += reviews.size();
    }
    assertThat(total).isEqualTo(expected.values().stream().mapToInt(Integer::intValue).sum());
  }
}
