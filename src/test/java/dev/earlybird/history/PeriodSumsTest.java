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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Sums per period at hourly resolution, from raw intervals and hourly rollups alike, with the hours covered. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class PeriodSumsTest {
  @Parameter StoreKind kind;

  static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
  static final Duration STEP = Duration.ofMinutes(15);

  @TempDir Path dir;

  /** Polls every 15 minutes for a day, except 07:00-08:00 (the agent was down); then rollups up to 20:00. */
  private JdbcHistoryStore store() {
    JdbcHistoryStore store = kind.open(dir, () -> START);
    Instant last = START;
    for (Instant e = START.plus(STEP); !e.isAfter(START.plus(Duration.ofDays(1))); e = e.plus(STEP)) {
      if (e.isAfter(START.plusSeconds(7 * 3600)) && !e.isAfter(START.plusSeconds(8 * 3600))) {
        continue;
      }
      List<StatementInterval> intervals = new ArrayList<>();
      intervals.add(interval(key("t", 1, 10, 100, true), last, e, 4, 40));
      intervals.add(interval(key("t", 1, 11, 100, false), last, e, 1, 10)); // same statement, another user
      if (e.isAfter(START.plusSeconds(9 * 3600))) {
        intervals.add(interval(key("t", 2, 10, 200, true), last, e, 2, 2));
      }
      intervals.add(interval(key("other", 1, 10, 100, true), last, e, 100, 100));
      store.recordPoll(PollRecord.success(snapshot("t", e, Map.of()), intervals));
      last = e;
    }
    store.maintain(START.plusSeconds(20 * 3600 + 300), Retention.DEFAULT);
    return store;
  }

  private static Period hours(int from, int to) {
    return new Period(START.plusSeconds(from * 3600L), START.plusSeconds(to * 3600L));
  }

  @Test
  void sumsPerPeriodComeFromRollupsAndRawAlikeWithTheHoursThatHaveData() {
    try (JdbcHistoryStore store = store()) {
      // 06-09 lies in the hourly rollups (one hour of it without polls); 19-22 spans rollups and raw intervals.
      PeriodSums s = store.periodSums("t", List.of(hours(6, 9), hours(19, 22), hours(30, 31)));
      StatementRef a = new StatementRef("t", 1, 100);
      StatementRef b = new StatementRef("t", 2, 200);

      // 4 polls an hour x (4 + 1) calls, summed over users; 07:00-08:00 had no poll. The poll that ends at 08:15
      // spans the gap (from 07:00): all of its calls count in the hour of its end.
      assertThat(s.byPeriod().get(0).get(a).calls()).isEqualTo(3 * 4 * 5 - 4 * 5);
      assertThat(s.coveredHours().get(0)).isEqualTo(2);
      assertThat(s.coverage(0)).isEqualTo(2.0 / 3);
      assertThat(s.byPeriod().get(0)).doesNotContainKey(b); // it started at 09:00

      assertThat(s.byPeriod().get(1).get(a).calls()).isEqualTo(3 * 4 * 5);
      assertThat(s.byPeriod().get(1).get(b).calls()).isEqualTo(3 * 4 * 2);
      assertThat(s.byPeriod().get(1).get(a).execMs()).isEqualTo(3 * 4 * 50.0);
      assertThat(s.coverage(1)).isEqualTo(1.0);

      // Nothing recorded yet: not covered (as a week before the first poll would be).
      assertThat(s.byPeriod().get(2)).isEmpty();
      assertThat(s.coverage(2)).isZero();
    }
  }
}
