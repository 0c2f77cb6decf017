package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static dev.earlybird.history.TierReads.assertSame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Period;
import dev.earlybird.model.StatementInterval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rolling day spans answer the 23 hours of the last 24 (and of the day before) with one row per statement: reads
 * with them equal reads from the hours and from raw intervals, late intervals count once, and a span is left alone
 * wherever it does not lie wholly in a window.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class SpanTierTest {
  @Parameter StoreKind kind;

  static final Instant START = Instant.parse("2026-03-01T00:07:00Z");
  /** Hourly polls at 7 past: every interval spans an hour boundary; nine days, so spans a week back have data. */
  static final Duration STEP = Duration.ofHours(1);
  static final int POLLS = 9 * 24;
  /** The hourly rollup reaches 20:00 on day 9; polls go on until day 10 00:07, so the last hours are raw. */
  static final Instant NOW = Instant.parse("2026-03-09T20:05:00Z");
  static final Instant HOURLY = Instant.parse("2026-03-09T20:00:00Z");
  static final Retention KEEP = new Retention(Duration.ofDays(1), Duration.ofDays(35), Duration.ofDays(400));

  @TempDir static Path template;
  @TempDir Path dir;
  JdbcHistoryStore store;

  /** The kinds whose template store is written. */
  private static final java.util.Set<StoreKind> WRITTEN = java.util.EnumSet.noneOf(StoreKind.class);

  /** The history written once per store kind; each test opens its own copy. */
  static void writeThreeDays(StoreKind kind, Path template) {
    try (JdbcHistoryStore s = kind.open(template, () -> START)) {
      for (int p = 1; p <= POLLS; p++) {
        Instant b = START.plus(STEP.multipliedBy(p - 1)), e = START.plus(STEP.multipliedBy(p));
        List<StatementInterval> intervals = new ArrayList<>();
        intervals.add(interval(key("t", 1, 10, 100, true), b, e, 2, 20.5));
        intervals.add(interval(key("t", 2, 10, 200, true), b, e, p % 3, p % 3 * 1.5));
        s.recordPoll(PollRecord.success(snapshot("t", e, Map.of()), intervals));
        s.recordPoll(PollRecord.success(snapshot("u", e, Map.of()),
            List.of(interval(key("u", 1, 10, 100, true), b, e, p % 5, p % 7 * 0.25))));
      }
    }
  }

  @BeforeEach
  void open() throws IOException {
    Path written = template.resolve(kind.name());
    if (WRITTEN.add(kind)) {
      Files.createDirectories(written);
      writeThreeDays(kind, written);
    }
    kind.copy(written, dir);
    store = kind.open(dir, () -> START);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<HotQueryRow> read(Instant from, Instant to) {
    return store.hotQueries(HotQueryFilter.between(from, to));
  }

  private static Instant at(String t) {
    return Instant.parse("2026-03-0" + t + ":00Z");
  }

  @Test
  void theLast24HoursAndTheDayBeforeReadFromSpansAsTheyReadFromRaw() {
    // The day before on whole hours: a rollup bucket counts whole where it overlaps a window, so only there do raw
    // intervals and rollups agree on a past window.
    Instant from = NOW.minus(Duration.ofDays(1)), before = HOURLY.minus(Duration.ofDays(2));
    Instant beforeEnd = HOURLY.minus(Duration.ofDays(1));
    var last = read(from, NOW);
    var dayBefore = read(before, beforeEnd);
    var onTheHour = read(HOURLY.minus(Duration.ofDays(1)), HOURLY);
    store.maintain(NOW, KEEP);
    assertThat(count("SELECT count(*) FROM statement_span")).as("spans built").isPositive();
    assertThat(count("SELECT count(*) FROM rollup_watermark WHERE name LIKE 'span_%' AND value_us = "
        + Columns.micros(HOURLY))).as("every span built at the hourly watermark").isEqualTo(Rollups.SPAN_DAYS.size());

    assertSame(read(from, NOW), last);
    assertSame(read(before, beforeEnd), dayBefore);
    assertSame(read(HOURLY.minus(Duration.ofDays(1)), HOURLY), onTheHour);

    // Proof that the spans answer: without the hourly rows of both spans, the two windows still read the same, while a
    // window the spans do not fit in (the last 12 hours) loses those hours.
    var last12 = read(NOW.minus(Duration.ofHours(12)), NOW);
    for (int end : new int[] {0, 24}) {
      TierReads.execute(store, "DELETE FROM statement_hourly WHERE bucket_us >= %d AND bucket_us < %d".formatted(
          Columns.micros(HOURLY.minus(Duration.ofHours(end + 23))), Columns.micros(HOURLY.minus(Duration.ofHours(end)))));
    }
    assertSame(read(from, NOW), last);
    assertSame(read(before, beforeEnd), dayBefore);
    assertThat(last12).isNotEmpty();
    assertThat(read(NOW.minus(Duration.ofHours(12)), NOW)).as("its hours were all in the deleted rows").isEmpty();
  }

  @Test
  void everyWindowReadsTheSameWithSpansAsWithoutThem() {
    store.maintain(NOW, KEEP);
    List<Instant[]> windows = new ArrayList<>();
    // Rolling 24 hours at several minutes of several hours, across the rollup's grace and past the watermark.
    for (String end : List.of("9T19:59", "9T20:00", "9T20:01", "9T20:05", "9T20:59", "9T21:00", "9T21:01", "9T23:30")) {
      windows.add(new Instant[] {at(end).minus(Duration.ofDays(1)), at(end)});
      windows.add(new Instant[] {at(end).minus(Duration.ofDays(2)), at(end).minus(Duration.ofDays(1))});
      windows.add(new Instant[] {at(end).minus(Duration.ofDays(2)), at(end)});
      windows.add(new Instant[] {at(end).minus(Duration.ofHours(23)), at(end)});
      windows.add(new Instant[] {at(end).minus(Duration.ofHours(22)), at(end).minus(Duration.ofHours(1))});
    }
    windows.add(new Instant[] {at("8T00:00"), at("9T00:00")});
    windows.add(new Instant[] {at("6T00:00"), at("9T00:00")});
    windows.add(new Instant[] {at("8T20:30"), at("9T19:30")});
    windows.add(new Instant[] {at("2T20:05"), at("9T20:05")});
    windows.add(new Instant[] {at("1T20:05"), at("2T20:05")});
    List<List<HotQueryRow>> withSpans = windows.stream().map(w -> read(w[0], w[1])).toList();
    TierReads.execute(store, "DELETE FROM rollup_watermark WHERE name LIKE 'span_%'");
    for (int i = 0; i < windows.size(); i++) {
      assertThat(read(windows.get(i)[0], windows.get(i)[1]))
          .as("(%s, %s]", windows.get(i)[0], windows.get(i)[1])
          .usingRecursiveComparison()
          .withComparatorForType(TierReads::closeTo, Double.class)
          .isEqualTo(withSpans.get(i));
    }
  }

  @Test
  void oneTargetReadsTheSameWithSpans() {
    var expected = store.hotQueries(HotQueryFilter.between(NOW.minus(Duration.ofDays(1)), NOW).withTarget("u"));
    store.maintain(NOW, KEEP);
    var actual = store.hotQueries(HotQueryFilter.between(NOW.minus(Duration.ofDays(1)), NOW).withTarget("u"));
    assertThat(actual).extracting(HotQueryRow::target).containsOnly("u");
    assertSame(actual, expected);
  }

  @Test
  void aLateIntervalInsideASpanIsCountedOnce() {
    store.maintain(NOW, KEEP);
    Instant late = at("9T10:01");
    store.recordPoll(PollRecord.success(snapshot("late", late, Map.of()),
        List.of(interval(key("late", 9, 1, 900, true), late.minusSeconds(60), late, 7, 7))));
    assertThat(read(NOW.minus(Duration.ofDays(1)), NOW)).filteredOn(r -> r.target().equals("late")).singleElement()
        .satisfies(r -> assertThat(r.calls()).isEqualTo(7));
    TierReads.execute(store, "DELETE FROM rollup_watermark WHERE name LIKE 'span_%'");
    assertThat(read(NOW.minus(Duration.ofDays(1)), NOW)).filteredOn(r -> r.target().equals("late")).singleElement()
        .satisfies(r -> assertThat(r.calls()).isEqualTo(7));
  }

  @Test
  void spansMoveWithTheHourlyRollupAndAreNotUsedOncePurged() {
    store.maintain(NOW, KEEP);
    Instant later = at("9T22:10");
    var expected = read(later.minus(Duration.ofDays(1)), later);
    store.maintain(later, KEEP);
    assertThat(count("SELECT min(value_us) FROM rollup_watermark WHERE name LIKE 'span_%'"))
        .isEqualTo(Columns.micros(at("9T22:00")));
    assertSame(read(later.minus(Duration.ofDays(1)), later), expected);

    // Hourly rows kept for one day only: the day-before span now reaches below the purge and must not be used; the
    // read is then what the daily tier says for the purged hours.
    store.maintain(later, new Retention(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(400)));
    var purged = read(later.minus(Duration.ofDays(2)), later.minus(Duration.ofDays(1)));
    TierReads.execute(store, "DELETE FROM rollup_watermark WHERE name LIKE 'span_%'");
    assertSame(read(later.minus(Duration.ofDays(2)), later.minus(Duration.ofDays(1))), purged);
  }

  @Test
  void aSpanTheStoreLacksIsBuiltAndNeverReadBeforeIt() {
    store.maintain(NOW, KEEP);
    var expected = store.callTimes(List.of(new CallTime.Read(
        List.of(new Period(NOW.minus(Duration.ofDays(8)), NOW.minus(Duration.ofDays(7)))),
        List.of(new StatementRef("t", 1, 100))))).get(0);
    // A store written by a build that kept fewer spans: the week-ago span is missing, so reads take the hours...
    TierReads.execute(store, "DELETE FROM statement_span WHERE span_us = %d".formatted(
        Columns.micros(HOURLY.minus(Duration.ofDays(7)).minus(Duration.ofHours(23)))));
    TierReads.execute(store, "DELETE FROM rollup_watermark WHERE name = 'span_7'");
    assertThat(store.callTimes(List.of(new CallTime.Read(
        List.of(new Period(NOW.minus(Duration.ofDays(8)), NOW.minus(Duration.ofDays(7)))),
        List.of(new StatementRef("t", 1, 100))))).get(0)).isEqualTo(expected);
    // ...and the next maintenance builds it, although the hourly watermark did not move.
    store.close();
    store = kind.open(dir, () -> START);
    store.maintain(NOW, KEEP);
    assertThat(count("SELECT count(*) FROM rollup_watermark WHERE name = 'span_7'")).isEqualTo(1);
  }

  @Test
  void theSeasonalBaselineReadsTheSameWeekAgoHoursFromTheirSpan() {
    store.maintain(NOW, KEEP);
    List<StatementRef> keys = List.of(new StatementRef("t", 1, 100), new StatementRef("t", 2, 200),
        new StatementRef("u", 1, 100));
    // The last 24 hours a week before, as a seasonal baseline plans it in a zone without a clock change.
    List<Period> weekAgo = List.of(new Period(NOW.minus(Duration.ofDays(8)), NOW.minus(Duration.ofDays(7))));
    var withSpans = store.callTimes(List.of(new CallTime.Read(weekAgo, keys))).get(0);
    assertThat(withSpans).containsOnlyKeys(keys);
    TierReads.execute(store, "UPDATE rollup_watermark SET name = 'off_' || name WHERE name LIKE 'span_%'");
    assertThat(store.callTimes(List.of(new CallTime.Read(weekAgo, keys))).get(0)).isEqualTo(withSpans);

    // Proof that the span answered: its hours deleted, the baseline is the same once the spans count again.
    TierReads.execute(store, "UPDATE rollup_watermark SET name = substr(name, 5) WHERE name LIKE 'off_span_%'");
    Instant spanEnd = HOURLY.minus(Duration.ofDays(7));
    TierReads.execute(store, "DELETE FROM statement_hourly WHERE bucket_us >= %d AND bucket_us < %d".formatted(
        Columns.micros(spanEnd.minus(Duration.ofHours(23))), Columns.micros(spanEnd)));
    assertThat(store.callTimes(List.of(new CallTime.Read(weekAgo, keys))).get(0)).isEqualTo(withSpans);
  }

  private long count(String sql) {
    return store.read(sql, c -> {
      try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }



}
