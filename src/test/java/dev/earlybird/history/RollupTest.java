package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Period;
import dev.earlybird.model.StatementInterval;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(StoreKind.class)
class RollupTest {
  @Parameter StoreKind kind;

  /** Polls every 10 minutes, offset by 7 minutes so intervals span hour boundaries. */
  static final Instant START = Instant.parse("2026-03-01T00:07:00Z");
  static final Duration STEP = Duration.ofMinutes(10);
  static final int POLLS = 3 * 24 * 6; // three days

  @TempDir Path dir;
  JdbcHistoryStore store;

  @BeforeEach
  void open() {
    store = kind.open(dir, () -> START);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void writeThreeDays() {
    for (int p = 1; p <= POLLS; p++) {
      Instant s = START.plus(STEP.multipliedBy(p - 1)), e = START.plus(STEP.multipliedBy(p));
      List<StatementInterval> intervals = new ArrayList<>();
      intervals.add(interval(key("t", 1, 10, 100, true), s, e, 2, 20));
      intervals.add(interval(key("t", 1, 11, 100, false), s, e, 1, 5));
      // Statement 200 has no pg_stat_kcache figure in one interval: its CPU is unknown for any window holding it.
      intervals.add(
          interval(
              key("t", 2, 10, 200, true), s, e, p % 3, p % 3 * 1.5,
              p == 100 ? OptionalDouble.empty() : OptionalDouble.of(p % 3 * 0.5)));
      store.recordPoll(PollRecord.success(snapshot("t", e, Map.of()), intervals));
    }
  }

  private static Instant end() {
    return START.plus(STEP.multipliedBy(POLLS));
  }

  @Test
  void totalsAreTheSameBeforeAndAfterRollupAndRetention() {
    writeThreeDays();
    var window = HotQueryFilter.between(START, end());
    var before = store.hotQueries(window);
    var seriesBefore = store.querySeries("t", 1, 100, START, end());
    assertThat(before).extracting(HotQueryRow::calls).containsExactly(POLLS * 3L, totalCalls200());
    assertThat(seriesBefore).hasSize(POLLS);
    assertThat(before.get(0).usage().knownCpuMs()).hasValue(POLLS * (20 + 5) / 2.0);
    assertThat(before.get(1).usage().knownCpuMs()).as("one interval without a figure").isEmpty();
    assertThat(before.get(1).usage().cpuIntervals()).isEqualTo(POLLS - 1);

    // Now = end + 30 min: every hour but the last (ending after midnight) is rolled; raw retention 1 day
    // deletes the first two days of raw.
    Instant now = end().plus(Duration.ofMinutes(30));
    store.maintain(now, new Retention(Duration.ofDays(1), Duration.ofDays(35), Duration.ofDays(400)));
    store.maintain(now, new Retention(Duration.ofDays(1), Duration.ofDays(35), Duration.ofDays(400))); // idempotent
    var after = store.hotQueries(window);
    // Sums are re-associated by the rollups, so doubles may differ in the last bits.
    assertThat(after).usingRecursiveComparison().withComparatorForType(RollupTest::closeTo, Double.class).isEqualTo(before);
    assertThat(store.stats().intervalRows()).as("raw older than a day is gone").isLessThan(3L * POLLS / 2);
    assertThat(store.stats().hourlyRows()).isPositive();

    var seriesAfter = store.querySeries("t", 1, 100, START, end());
    assertThat(seriesAfter.stream().mapToLong(p -> p.usage().calls()).sum()).isEqualTo(POLLS * 3L);
    assertThat(seriesAfter).extracting(SeriesPoint::resolution).contains(SeriesPoint.Resolution.HOUR, SeriesPoint.Resolution.RAW);
    assertThat(seriesAfter).isSortedAccordingTo(java.util.Comparator.comparing(SeriesPoint::end));

    // Later: hourly retention 1 day moves older periods to daily rollups; totals still equal.
    Instant later = end().plus(Duration.ofDays(2));
    store.maintain(later, new Retention(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(400)));
    var afterDaily = store.hotQueries(window);
    assertThat(afterDaily).extracting(HotQueryRow::calls).containsExactly(POLLS * 3L, totalCalls200());
    assertThat(afterDaily.get(0).execMs()).isEqualTo(before.get(0).execMs());
    assertThat(afterDaily.get(0).usage().knownCpuMs()).hasValue(POLLS * (20 + 5) / 2.0);
    assertThat(afterDaily.get(1).usage().knownCpuMs()).isEmpty();
    assertThat(afterDaily.get(1).usage().cpuIntervals()).isEqualTo(POLLS - 1);
    assertThat(store.stats().dailyRows()).isPositive();
    assertThat(store.querySeries("t", 1, 100, START, end()))
        .extracting(SeriesPoint::resolution).contains(SeriesPoint.Resolution.DAY);
  }

  @Test
  void aBaselineReadsItsWholeDaysFromTheDailyRollup() {
    writeThreeDays();
    store.maintain(end().plus(Duration.ofMinutes(30)), Retention.DEFAULT); // rolls the three days
    var keys = List.of(new StatementRef("t", 1, 100), new StatementRef("t", 2, 200));
    // Whole UTC days of Mar 1-3 from the daily rollup, Mar 4 00:00-00:07 from raw intervals.
    var periods = List.of(new Period(Instant.parse("2026-03-01T00:00:00Z"), end()));
    var window = new Period(end(), end().plus(STEP));
    var before = store.usage(periods, keys);
    assertThat(before.get(keys.get(0)).calls()).isEqualTo(POLLS * 3L);
    assertThat(before.get(keys.get(1)).calls()).isEqualTo(totalCalls200());
    var compared = store.compare(window, periods, Map.of(), new CandidateFilter(25, 1, 1.5, 0));

    // Without the hourly rows of those days the sums are the same: they were read from the daily rows.
    store.transactions.write("delete hourly rows", c -> {
      try (var st = c.createStatement()) {
        st.executeUpdate("DELETE FROM statement_hourly");
      }
    });
    assertThat(store.usage(periods, keys)).isEqualTo(before);
    assertThat(store.compare(window, periods, Map.of(), new CandidateFilter(25, 1, 1.5, 0))).isEqualTo(compared);

    // The hot list's batched read sums the same, per read, whether two reads share their periods or not.
    var lastDay = List.of(new Period(Instant.parse("2026-03-03T00:00:00Z"), end()));
    var batched = store.callTimes(List.of(new CallTime.Read(periods, keys), new CallTime.Read(periods, keys.subList(1, 2)),
        new CallTime.Read(lastDay, keys), new CallTime.Read(lastDay, List.of())));
    assertThat(batched).hasSize(4);
    for (StatementRef k : keys) {
      assertThat(batched.get(0).get(k)).isEqualTo(new CallTime(before.get(k).calls(), before.get(k).execMs()));
      Usage day = store.usage(lastDay, keys).get(k);
      assertThat(batched.get(2).get(k)).isEqualTo(new CallTime(day.calls(), day.execMs()));
    }
    assertThat(batched.get(1)).containsOnlyKeys(keys.get(1)).containsEntry(keys.get(1), batched.get(0).get(keys.get(1)));
    assertThat(batched.get(3)).isEmpty();
  }

  @Test
  void aBaselineSplitsIntoPartialDaysThroughTheTiersAndWholeRolledDays() {
    Instant from = Instant.parse("2026-03-01T13:00:00Z"), to = Instant.parse("2026-03-05T09:00:00Z");
    long dailyWatermark = Columns.micros(Instant.parse("2026-03-04T00:00:00Z"));
    assertThat(BaselineRead.of(List.of(new Period(from, to)), dailyWatermark)).isEqualTo(new BaselineRead(
        List.of(new Period(from, Instant.parse("2026-03-02T00:00:00Z")), new Period(Instant.parse("2026-03-04T00:00:00Z"), to)),
        List.of(new Period(Instant.parse("2026-03-02T00:00:00Z"), Instant.parse("2026-03-04T00:00:00Z")))));
    var hour = new Period(from, from.plus(Duration.ofHours(1)));
    assertThat(BaselineRead.of(List.of(hour), dailyWatermark)).as("no whole day").isEqualTo(new BaselineRead(List.of(hour), List.of()));
    assertThat(BaselineRead.of(List.of(new Period(from, to)), 0)).as("nothing rolled to days yet")
        .isEqualTo(new BaselineRead(List.of(new Period(from, to)), List.of()));
  }

  @Test
  void anIntervalSpanningAnHourGoesToTheHourOfItsEnd() {
    Instant s = Instant.parse("2026-03-01T09:55:00Z"), e = Instant.parse("2026-03-01T10:05:00Z");
    store.recordPoll(PollRecord.success(snapshot("t", e, Map.of()), List.of(interval(key("t", 1, 1, 1, true), s, e, 4, 4))));
    Instant exactly = Instant.parse("2026-03-01T11:00:00Z");
    store.recordPoll(PollRecord.success(snapshot("t", exactly, Map.of()), List.of(interval(key("t", 1, 1, 1, true), e, exactly, 1, 1))));
    store.maintain(Instant.parse("2026-03-01T13:00:00Z"), Retention.DEFAULT);
    assertThat(store.querySeries("t", 1, 1, s.minusSeconds(3600), exactly.plusSeconds(3600)))
        .extracting(SeriesPoint::start, SeriesPoint::resolution, p -> p.usage().calls())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-03-01T10:00:00Z"), SeriesPoint.Resolution.HOUR, 5L));
  }

  @Test
  void aLatePollForARolledHourIsCountedOnce() {
    Instant e1 = Instant.parse("2026-03-01T10:30:00Z");
    store.recordPoll(PollRecord.success(snapshot("t", e1, Map.of()), List.of(interval(key("t", 1, 1, 1, true), e1.minusSeconds(60), e1, 1, 1))));
    store.maintain(Instant.parse("2026-03-02T12:00:00Z"), Retention.DEFAULT); // rolls hours and the first day
    Instant late = Instant.parse("2026-03-01T10:40:00Z");
    store.recordPoll(PollRecord.success(snapshot("u", late, Map.of()), List.of(interval(key("u", 1, 1, 1, true), late.minusSeconds(60), late, 7, 7))));
    var window = HotQueryFilter.between(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-02T12:00:00Z"));
    assertThat(store.hotQueries(window)).extracting(HotQueryRow::target, HotQueryRow::calls)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("t", 1L), org.assertj.core.groups.Tuple.tuple("u", 7L));
    // Once hourly data is purged, the daily rollup (which got the late interval too) answers the same.
    store.maintain(Instant.parse("2026-03-05T12:00:00Z"), new Retention(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(400)));
    assertThat(store.hotQueries(window))
        .extracting(HotQueryRow::target, HotQueryRow::calls, r -> r.usage().knownCpuMs())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("t", 1L, OptionalDouble.of(0.5)),
            org.assertj.core.groups.Tuple.tuple("u", 7L, OptionalDouble.of(3.5)));
  }

  @Test
  void retentionDeletesOnlyOldRows() {
    writeThreeDays();
    Instant now = end();
    store.maintain(now, new Retention(Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(2)));
    long oldestRaw = store.read("raw", c -> {
      try (var rs = c.createStatement().executeQuery("SELECT min(end_us), count(*) FROM statement_interval")) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertThat(Columns.instant(oldestRaw)).isAfter(now.minus(Duration.ofHours(6)));
    assertThat(store.stats().intervalRows()).isEqualTo(3L * 6 * 6);
    long oldestHourly = store.read("hourly", c -> {
      try (var rs = c.createStatement().executeQuery("SELECT min(bucket_us) FROM statement_hourly")) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertThat(Columns.instant(oldestHourly)).isAfterOrEqualTo(now.minus(Duration.ofDays(2)));
    // Raw that is not rolled up yet is never deleted, even with zero retention.
    store.recordPoll(PollRecord.success(snapshot("t", now.plusSeconds(30), Map.of()),
        List.of(interval(key("t", 1, 1, 1, true), now, now.plusSeconds(30), 1, 1))));
    store.maintain(now.plusSeconds(60), new Retention(Duration.ZERO, Duration.ofDays(1), Duration.ofDays(2)));
    assertThat(store.hotQueries(HotQueryFilter.between(now, now.plusSeconds(60)))).extracting(HotQueryRow::calls).containsExactly(1L);
  }

  private static int closeTo(Double a, Double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? 0 : Double.compare(a, b);
  }

  private static long totalCalls200() {
    long sum = 0;
    for (int p = 1; p <= POLLS; p++) {
      sum += p % 3;
    }
    return sum;
  }
}
