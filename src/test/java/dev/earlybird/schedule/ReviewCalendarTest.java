package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.TenantSettings;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Review times per tenant across DST in both hemispheres and in zones with 30- and 45-minute offsets. */
class ReviewCalendarTest {
  static final Duration LEAD = Duration.ofMinutes(90);
  static final Set<DayOfWeek> MON_FRI = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

  static ReviewCalendar calendar(String zone, String start, Set<DayOfWeek> days, Duration lead, LocalDate... holidays) {
    return new ReviewCalendar(
        new TenantSettings(ZoneId.of(zone), LocalTime.parse(start), days, new TreeSet<>(List.of(holidays))), lead);
  }

  static List<ZoneOffsetTransition> transitionsIn2026(ZoneId zone) {
    List<ZoneOffsetTransition> found = new ArrayList<>();
    Instant end = Instant.parse("2027-01-01T00:00:00Z");
    for (ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse("2026-01-01T00:00:00Z"));
        t != null && t.getInstant().isBefore(end); t = zone.getRules().nextTransition(t.getInstant())) {
      found.add(t);
    }
    return found;
  }

  /** The 2026 changes are where we think they are, so the reviews below really straddle them. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "America/New_York | 2026-03-08T02:00,2026-11-01T02:00",
    "Europe/London    | 2026-03-29T01:00,2026-10-25T02:00",
    "Australia/Sydney | 2026-04-05T03:00,2026-10-04T02:00",
    "Asia/Kolkata     | ''",
    "Asia/Kathmandu   | ''",
  })
  void clocksChangeOnTheDatesJavaTimeKnows(String zone, String changes) {
    List<String> local = transitionsIn2026(ZoneId.of(zone)).stream()
        .map(t -> t.getDateTimeBefore().toString()).toList();
    assertThat(String.join(",", local)).isEqualTo(changes);
  }

  /**
   * Every workday of 2026, including the ones right after each clock change, has its review at 05:30 local
   * (07:00 minus 90 minutes) on that very date; between two reviews lie 24 hours plus or minus the change.
   */
  @ParameterizedTest
  @CsvSource({"America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu"})
  void everyWorkdayOf2026At0530LocalAcrossTheChanges(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    ReviewCalendar c = calendar(zoneName, "07:00", EnumSet.allOf(DayOfWeek.class), LEAD);
    Review previous = c.reviewOf(LocalDate.of(2025, 12, 31));
    int changed = 0;
    for (LocalDate d = LocalDate.of(2026, 1, 1); d.getYear() == 2026; d = d.plusDays(1)) {
      Review r = c.reviewOf(d);
      assertThat(r.scheduledFor().atZone(zone).toLocalDateTime()).isEqualTo(d.atTime(5, 30));
      assertThat(c.next(previous.scheduledFor())).contains(r);
      assertThat(c.latest(r.scheduledFor())).contains(r);
      assertThat(c.latest(r.scheduledFor().minusNanos(1))).contains(previous);
      Duration between = Duration.between(previous.scheduledFor(), r.scheduledFor());
      if (!between.equals(Duration.ofDays(1))) {
        changed++;
        assertThat(between).isIn(Duration.ofHours(23), Duration.ofHours(25));
      }
      previous = r;
    }
    assertThat(changed).isEqualTo(transitionsIn2026(zone).size());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    // the Friday before and the Monday after each change, 05:30 local in UTC
    "America/New_York, 2026-03-06, 2026-03-06T10:30:00Z",
    "America/New_York, 2026-03-09, 2026-03-09T09:30:00Z",
    "America/New_York, 2026-10-30, 2026-10-30T09:30:00Z",
    "America/New_York, 2026-11-02, 2026-11-02T10:30:00Z",
    "Europe/London,    2026-03-27, 2026-03-27T05:30:00Z",
    "Europe/London,    2026-03-30, 2026-03-30T04:30:00Z",
    "Europe/London,    2026-10-26, 2026-10-26T05:30:00Z",
    // southern hemisphere: summer time ends in April and starts in October
    "Australia/Sydney, 2026-04-03, 2026-04-02T18:30:00Z",
    "Australia/Sydney, 2026-04-06, 2026-04-05T19:30:00Z",
    "Australia/Sydney, 2026-10-02, 2026-10-01T19:30:00Z",
    "Australia/Sydney, 2026-10-05, 2026-10-04T18:30:00Z",
    // +05:30 and +05:45 all year
    "Asia/Kolkata,     2026-03-09, 2026-03-09T00:00:00Z",
    "Asia/Kolkata,     2026-11-02, 2026-11-02T00:00:00Z",
    "Asia/Kathmandu,   2026-03-09, 2026-03-08T23:45:00Z",
    "Asia/Kathmandu,   2026-11-02, 2026-11-01T23:45:00Z",
  })
  void reviewInstants(String zone, LocalDate workday, Instant expected) {
    assertThat(calendar(zone, "07:00", MON_FRI, LEAD).reviewOf(workday).scheduledFor()).isEqualTo(expected);
  }

  @Test
  void aStartInTheSpringGapMovesForwardByTheGapAndTheLeadIsRealTime() {
    Set<DayOfWeek> sunday = EnumSet.of(DayOfWeek.SUNDAY);
    LocalDate change = LocalDate.of(2026, 3, 8); // 02:00 EST -> 03:00 EDT
    // 02:30 does not exist that night: it becomes 03:30 EDT.
    assertThat(calendar("America/New_York", "02:30", sunday, Duration.ZERO).reviewOf(change).scheduledFor())
        .isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
    // Two hours before 03:30 EDT is 00:30 EST: two hours of real time, though the wall clock shows three.
    Instant early = calendar("America/New_York", "03:30", sunday, Duration.ofHours(2)).reviewOf(change).scheduledFor();
    assertThat(early).isEqualTo(Instant.parse("2026-03-08T05:30:00Z"));
    assertThat(early.atZone(ZoneId.of("America/New_York")).toLocalTime()).isEqualTo(LocalTime.of(0, 30));
  }

  @Test
  void aStartInTheAutumnOverlapTakesTheEarlierOffset() {
    // 01:30 happens twice on 2026-11-01 in New York; the first (EDT, -04:00) counts.
    Review r = calendar("America/New_York", "01:30", EnumSet.of(DayOfWeek.SUNDAY), Duration.ZERO)
        .reviewOf(LocalDate.of(2026, 11, 1));
    assertThat(r.scheduledFor()).isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
    assertThat(r.scheduledFor().atZone(ZoneId.of("America/New_York")).getOffset()).isEqualTo(ZoneOffset.ofHours(-4));
  }

  @Test
  void aLeadTimePastMidnightRunsTheEveningBeforeAndBelongsToTheWorkday() {
    // 07:00 minus 8 h: 23:00 the evening before, in Kathmandu.
    ReviewCalendar c = calendar("Asia/Kathmandu", "07:00", MON_FRI, Duration.ofHours(8));
    ZoneId zone = ZoneId.of("Asia/Kathmandu");
    Instant sundayEvening = ZonedDateTime.of(LocalDateTime.parse("2026-03-08T23:30"), zone).toInstant();
    Review monday = c.latest(sundayEvening).orElseThrow();
    assertThat(monday.workday()).isEqualTo(LocalDate.of(2026, 3, 9));
    assertThat(monday.scheduledFor().atZone(zone).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-08T23:00"));
    // Friday evening has no review (Saturday is no workday); after Thursday's 23:00 (Friday's) comes Sunday's.
    Instant fridayEvening = ZonedDateTime.of(LocalDateTime.parse("2026-03-13T23:30"), zone).toInstant();
    assertThat(c.latest(fridayEvening).orElseThrow().workday()).isEqualTo(LocalDate.of(2026, 3, 13));
    assertThat(c.next(fridayEvening).orElseThrow().workday()).isEqualTo(LocalDate.of(2026, 3, 16));
    assertThat(c.next(fridayEvening).orElseThrow().scheduledFor().atZone(zone).toLocalDateTime())
        .isEqualTo(LocalDateTime.parse("2026-03-15T23:00"));
  }

  @Test
  void noReviewOnAWeekend() {
    ReviewCalendar c = calendar("Europe/London", "07:00", MON_FRI, LEAD);
    Review friday = c.reviewOf(LocalDate.of(2026, 12, 4));
    assertThat(c.next(friday.scheduledFor())).contains(c.reviewOf(LocalDate.of(2026, 12, 7)));
    assertThat(c.hasReview(LocalDate.of(2026, 12, 5))).isFalse();
    assertThat(c.hasReview(LocalDate.of(2026, 12, 6))).isFalse();
    // During the weekend the latest review is still Friday's.
    assertThat(c.latest(Instant.parse("2026-12-06T12:00:00Z"))).contains(friday);
  }

  @Test
  void noReviewOnAHoliday() {
    LocalDate christmas = LocalDate.of(2026, 12, 25); // a Friday
    ReviewCalendar c = calendar("Australia/Sydney", "07:00", MON_FRI, LEAD, christmas, LocalDate.of(2026, 12, 28));
    assertThat(c.hasReview(christmas)).isFalse();
    // After Thursday's review: not Christmas, not the weekend, not the Monday holiday; Tuesday.
    assertThat(c.next(c.reviewOf(LocalDate.of(2026, 12, 24)).scheduledFor()).orElseThrow().workday())
        .isEqualTo(LocalDate.of(2026, 12, 29));
  }

  @Test
  void aHolidayIsJudgedOnTheWorkdaysLocalDateNotOnTheDateTheReviewRuns() {
    // The review of Monday 2027-01-04 runs on Sunday evening; a holiday on that Sunday changes nothing.
    ReviewCalendar c = calendar("America/New_York", "07:00", MON_FRI, Duration.ofHours(10), LocalDate.of(2027, 1, 3));
    assertThat(c.next(Instant.parse("2027-01-02T12:00:00Z")).orElseThrow().workday())
        .isEqualTo(LocalDate.of(2027, 1, 4));
    ReviewCalendar monday = calendar("America/New_York", "07:00", MON_FRI, Duration.ofHours(10), LocalDate.of(2027, 1, 4));
    assertThat(monday.next(Instant.parse("2027-01-02T12:00:00Z")).orElseThrow().workday())
        .isEqualTo(LocalDate.of(2027, 1, 5));
  }

  @Test
  void aTenantWithoutWorkdaysHasNoReviews() {
    ReviewCalendar c = calendar("UTC", "07:00", EnumSet.noneOf(DayOfWeek.class), LEAD);
    assertThat(c.next(Instant.parse("2026-12-07T00:00:00Z"))).isEmpty();
    assertThat(c.latest(Instant.parse("2026-12-07T00:00:00Z"))).isEmpty();
  }
}
