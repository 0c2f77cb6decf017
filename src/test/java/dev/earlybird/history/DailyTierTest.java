package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static dev.earlybird.history.TierReads.assertSame;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Whole UTC days of a window come from statement_daily once they are rolled up there, the partial edges from
 * hourly and raw; totals are the same whichever tier answers, and no period is counted twice.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DailyTierTest {
  @Parameter StoreKind kind;

  static final Instant START = Instant.parse("2026-03-01T00:07:00Z");
  /** Every 30 minutes, offset by 7, so intervals span hour boundaries; edges of windows are whole hours. */
  static final Duration STEP = Duration.ofMinutes(30);
  static final int POLLS = 3 * 24 * 2;
  static final Instant DAY2 = Instant.parse("2026-03-02T00:00:00Z");
  static final Instant DAY3 = Instant.parse("2026-03-03T00:00:00Z");
  static final Retention KEEP_HOURLY = new Retention(Duration.ofDays(1), Duration.ofDays(35), Duration.ofDays(400));

  @TempDir static Path template;
  @TempDir Path dir;
  JdbcHistoryStore store;

  /** Three days of polls written once; each test opens its own copy of the file. */
  /** The kinds whose template store is written. */
  private static final java.util.Set<StoreKind> WRITTEN = java.util.EnumSet.noneOf(StoreKind.class);

  /** The history written once per store kind; each test opens its own copy. */
  static void writeThreeDays(StoreKind kind, Path template) {
    try (JdbcHistoryStore s = kind.open(template, () -> START)) {
      for (int p = 1; p <= POLLS; p++) {
        Instant b = START.plus(STEP.multipliedBy(p - 1)), e = START.plus(STEP.multipliedBy(p));
        List<StatementInterval> intervals = new ArrayList<>();
        intervals.add(interval(key("t", 1, 10, 100, true), b, e, 2, 20.5));
        intervals.add(interval(key("t", 1, 11, 100, false), b, e, 1, 5));
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

  private long rows(String table, Instant from, Instant to) {
    return store.read("rows of " + table, c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE bucket_us >= ? AND bucket_us < ?")) {
        ps.setLong(1, Columns.micros(from));
        ps.setLong(2, Columns.micros(to));
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }



  @Test
  void wholeDaysReadFromTheDailyTierEqualWhatRawAndHourlySaid() {
    var day = read(DAY2, DAY3);
    var dayAndEdges = read(DAY2.minus(Duration.ofHours(1)), DAY3.plus(Duration.ofHours(5)));
    var halfDay = read(DAY2, DAY2.plus(Duration.ofHours(12)));
    store.maintain(START.plus(STEP.multipliedBy(POLLS)).plus(Duration.ofMinutes(30)), KEEP_HOURLY);
    assertThat(rows("statement_daily", DAY2, DAY3)).as("day 2 is rolled into daily").isPositive();
    assertThat(rows("statement_hourly", DAY2, DAY3)).as("and still in hourly").isPositive();

    assertSame(read(DAY2, DAY3), day);
    assertSame(read(DAY2.minus(Duration.ofHours(1)), DAY3.plus(Duration.ofHours(5))), dayAndEdges);
    assertSame(read(DAY2, DAY2.plus(Duration.ofHours(12))), halfDay);

    // Proof of which tier answers: without day 2's hourly rows, the whole day (alone or with edges) still
    // reads the same, because it comes from the daily tier; half of day 2 only had hourly rows to come from.
    TierReads.execute(store, "DELETE FROM statement_hourly WHERE bucket_us >= %d AND bucket_us < %d"
        .formatted(Columns.micros(DAY2), Columns.micros(DAY3)));
    assertSame(read(DAY2, DAY3), day);
    assertSame(read(DAY2.minus(Duration.ofHours(1)), DAY3.plus(Duration.ofHours(5))), dayAndEdges);
    assertThat(read(DAY2, DAY2.plus(Duration.ofHours(12)))).isEmpty();
  }

  @Test
  void edgesComeFromHourlyOnly() {
    Instant from = DAY2.minus(Duration.ofHours(3)), to = DAY3.plus(Duration.ofHours(2));
    var expected = read(from, to);
    store.maintain(START.plus(STEP.multipliedBy(POLLS)).plus(Duration.ofMinutes(30)), KEEP_HOURLY);
    // Doubling the daily rows of day 1 and day 3 must not change anything: their parts in the window are edges.
    for (Instant day : List.of(DAY2.minus(Duration.ofDays(1)), DAY3)) {
      TierReads.execute(store, "INSERT INTO statement_daily SELECT * FROM statement_daily WHERE bucket_us = " + Columns.micros(day));
    }
    assertSame(read(from, to), expected);
  }

  @Test
  void aDayNotYetRolledIntoDailyComesFromHourlyAndRaw() {
    var day3 = read(DAY3, DAY3.plus(Duration.ofDays(1)));
    // Day 3 is hours-rolled up to noon, not daily-rolled: it must come from hourly + raw.
    store.maintain(Instant.parse("2026-03-03T12:05:00Z"), Retention.DEFAULT);
    assertThat(rows("statement_daily", DAY3, DAY3.plus(Duration.ofDays(1)))).isZero();
    assertSame(read(DAY3, DAY3.plus(Duration.ofDays(1))), day3);
  }

  @Test
  void aDayOlderThanHourlyRetentionStillReadsTheSame() {
    var day = read(DAY2, DAY3);
    var withEdges = read(DAY2.minus(Duration.ofHours(1)), DAY3.plus(Duration.ofHours(1)));
    store.maintain(Instant.parse("2026-03-06T00:30:00Z"), new Retention(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(400)));
    assertThat(rows("statement_hourly", DAY2, DAY3)).as("hourly of day 2 purged").isZero();
    assertSame(read(DAY2, DAY3), day);
    // Purged edges are read as whole daily buckets (overlap rule), so the edges now count their whole days.
    assertThat(read(DAY2.minus(Duration.ofHours(1)), DAY3.plus(Duration.ofHours(1))).get(0).calls())
        .isGreaterThan(withEdges.get(0).calls());
  }

  @Test
  void aLateIntervalForARolledDayIsCountedOnce() {
    store.maintain(START.plus(STEP.multipliedBy(POLLS)).plus(Duration.ofMinutes(30)), KEEP_HOURLY);
    var before = read(DAY2, DAY3);
    Instant late = DAY2.plus(Duration.ofHours(10)).plus(Duration.ofMinutes(1));
    store.recordPoll(PollRecord.success(snapshot("late", late, Map.of()),
        List.of(interval(key("late", 9, 1, 900, true), late.minusSeconds(60), late, 7, 7))));
    var after = read(DAY2, DAY3);
    assertThat(after).hasSize(before.size() + 1);
    assertThat(after).filteredOn(r -> r.target().equals("late")).singleElement()
        .satisfies(r -> assertThat(r.calls()).isEqualTo(7));
  }

}
