package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.earlybird.analysis.BaselineComparison.Filter;
import dev.earlybird.analysis.StatementChange.Status;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.BaselineException;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.Usage;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineComparisonTest {
  private static final Function<String, String> TENANT = db -> db == null ? null : db.replace("tenant_", "");
  private static final Filter ALL = new Filter(null, null, null);

  /** One interval's sums, polled with track_io_timing on ({@code io} is its IO time) or off (no IO time). */
  private static HotQueryRow row(
      String target, String db, long queryId, long calls, double execMs, double ioMs, boolean timed) {
    Usage u = new Usage(1, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.IO_READ_MS, timed ? ioMs : 0), 0, 0, timed ? 1 : 0);
    return new HotQueryRow(target, db, 1, queryId, "f" + queryId, "SELECT " + queryId, u);
  }

  private static List<HotQueryRow> before(boolean timed) {
    return List.of(
        row("a", "tenant_x", 1, 100, 100, 0, timed), // 1 ms per call
        row("a", "tenant_x", 2, 10, 50, 10, timed), // 5 ms per call
        row("a", "tenant_y", 3, 50, 500, 0, timed), // 10 ms per call; gone later
        row("a", "tenant_y", 4, 20, 20, 0, timed)); // 1 ms per call
  }

  private static List<HotQueryRow> after(boolean timed) {
    return List.of(
        row("a", "tenant_x", 1, 200, 200, 0, timed), // same per call, twice the calls: volume, not a regression
        row("a", "tenant_x", 2, 10, 300, 100, timed), // 30 ms per call: 250 ms extra
        row("a", "tenant_y", 4, 100, 1000, 0, timed), // 10 ms per call: 900 ms extra
        row("a", "tenant_y", 5, 4, 40, 0, timed)); // new: 40 ms
  }

  private final List<HotQueryRow> before = before(false);
  private final List<HotQueryRow> after = after(false);

  @Test
  void worstChangesComeFirstByExtraTimeThenNewThenGoneLast() {
    List<StatementChange> changes = BaselineComparison.compare(before, after, TENANT, ALL, 100);
    assertThat(changes).extracting(StatementChange::queryId, StatementChange::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(4L, Status.BOTH), org.assertj.core.groups.Tuple.tuple(2L, Status.BOTH),
        org.assertj.core.groups.Tuple.tuple(5L, Status.NEW), org.assertj.core.groups.Tuple.tuple(1L, Status.BOTH),
        org.assertj.core.groups.Tuple.tuple(3L, Status.GONE));
    StatementChange worst = changes.get(0);
    assertThat(worst.beforeMeanMs()).isEqualTo(1.0);
    assertThat(worst.afterMeanMs()).isEqualTo(10.0);
    assertThat(worst.ratio()).isEqualTo(10.0);
    assertThat(worst.extraMs()).isCloseTo(900, offset(1e-9));
    assertThat(worst.beforeCalls()).isEqualTo(20);
    assertThat(worst.afterCalls()).isEqualTo(100);
    assertThat(worst.tenant()).isEqualTo("y");
    StatementChange volume = changes.get(3);
    assertThat(volume.ratio()).isEqualTo(1.0);
    assertThat(volume.extraMs()).isZero();
    StatementChange fresh = changes.get(2);
    assertThat(fresh.beforeMeanMs()).isNull();
    assertThat(fresh.ratio()).isNull();
    assertThat(fresh.extraMs()).isEqualTo(40);
    StatementChange gone = changes.get(4);
    assertThat(gone.afterMeanMs()).isNull();
    assertThat(gone.extraMs()).isNull();
    assertThat(gone.afterCalls()).isZero();
    assertThat(gone.beforeCpuMs()).isEqualTo(500);
    assertThat(worst.pValue()).as("no spread on either side: the rise is certain").isZero();
    assertThat(volume.pValue()).as("the same per-call time").isEqualTo(1.0);
    assertThat(fresh.pValue()).isNull();
    assertThat(gone.pValue()).isNull();
  }

  /** 100 calls of {@code meanMs} per call with a variance of 1 ms², as the sums keep it. */
  private static HotQueryRow spread(double meanMs) {
    Usage u = new Usage(1, CounterValues.ZERO.with(Counter.CALLS, 100)
            .with(Counter.EXEC_MS, 100 * meanMs)
            .with(Counter.EXEC_SUMSQ_MS, 100 * (1 + meanMs * meanMs)), 0, 0, 0);
    return new HotQueryRow("a", "tenant_x", 1, 1, "f1", "SELECT 1", u);
  }

  @Test
  void aChangeWithinTheSpreadOfPerCallTimesIsNotSignificantALargeOneIs() {
    double small = BaselineComparison.compare(List.of(spread(1)), List.of(spread(1.1)), TENANT, ALL, 10).get(0).pValue();
    assertThat(small).isBetween(0.2, 0.3);
    double large = BaselineComparison.compare(List.of(spread(1)), List.of(spread(2)), TENANT, ALL, 10).get(0).pValue();
    assertThat(large).isLessThan(1e-6);
    double faster = BaselineComparison.compare(List.of(spread(2)), List.of(spread(1)), TENANT, ALL, 10).get(0).pValue();
    assertThat(faster).as("in the direction it moved").isEqualTo(large);
  }

  @Test
  void cpuIsExecMinusIoWhereBothSidesWerePolledWithIoTimed() {
    StatementChange q2 = BaselineComparison.compare(before(true), after(true), TENANT, ALL, 100).stream()
        .filter(c -> c.queryId() == 2).findFirst().orElseThrow();
    assertThat(q2.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
    assertThat(q2.beforeCpuMs()).isEqualTo(40);
    assertThat(q2.afterCpuMs()).isEqualTo(200);
    StatementChange untimed = BaselineComparison.compare(before, after, TENANT, ALL, 100).stream()
        .filter(c -> c.queryId() == 2).findFirst().orElseThrow();
    assertThat(untimed.cpuSource()).isEqualTo(CpuSource.EXEC_TIME);
    assertThat(untimed.afterCpuMs()).isEqualTo(300);
    // A baseline pinned while IO was timed, compared with a window polled without: one layer for both sides.
    StatementChange mixed = BaselineComparison.compare(before(true), after, TENANT, ALL, 100).stream()
        .filter(c -> c.queryId() == 2).findFirst().orElseThrow();
    assertThat(mixed.cpuSource()).isEqualTo(CpuSource.EXEC_TIME);
    assertThat(mixed.beforeCpuMs()).isEqualTo(50);
    assertThat(mixed.afterCpuMs()).isEqualTo(300);
  }

  @Test
  void filtersApplyToBothSidesAndTheLimitToTheOrderedList() {
    assertThat(BaselineComparison.compare(before, after, TENANT, new Filter(null, null, "x"), 100))
        .extracting(StatementChange::queryId).containsExactly(2L, 1L);
    assertThat(BaselineComparison.compare(before, after, TENANT, new Filter(null, "tenant_y", null), 100))
        .extracting(StatementChange::queryId).containsExactly(4L, 5L, 3L);
    assertThat(BaselineComparison.compare(before, after, TENANT, new Filter("b", null, null), 100)).isEmpty();
    assertThat(BaselineComparison.compare(before, after, TENANT, ALL, 2))
        .extracting(StatementChange::queryId).containsExactly(4L, 2L);
  }

  @Test
  void comparesAPinnedBaselineOfTheStoreWithALaterWindow(@TempDir Path dir) {
    Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
    try (JdbcHistoryStore store = DuckDbHistoryStore.open(dir.resolve("c.duckdb"), () -> t0.plus(Duration.ofHours(3)))) {
      store.upsertDatabases("a", List.of(new DatabaseInfo("a", 1, "tenant_x")));
      poll(store, t0.plus(Duration.ofMinutes(10)), 10, 10); // 1 ms per call
      store.pinBaseline("before", Optional.of("a"), t0, t0.plus(Duration.ofHours(1)));
      poll(store, t0.plus(Duration.ofMinutes(130)), 10, 40); // 4 ms per call
      var comparison = new BaselineComparison(store, TenantsConfig.DEFAULT);
      var result = comparison.compare(
          "before", new HotList.Request(t0.plus(Duration.ofHours(2)), t0.plus(Duration.ofHours(3)), null, null, null, 10));
      assertThat(result.baseline().name()).isEqualTo("before");
      assertThat(result.changes()).singleElement().satisfies(c -> {
        assertThat(c.tenant()).isEqualTo("x");
        assertThat(c.ratio()).isEqualTo(4.0);
        assertThat(c.extraMs()).isEqualTo(30.0);
        assertThat(c.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
      });
      assertThatThrownBy(() -> comparison.compare("nope", new HotList.Request(t0, t0.plusSeconds(1), null, null, null, 1)))
          .isInstanceOf(BaselineException.class).hasMessageContaining("no pinned baseline named 'nope'");
    }
  }

  private static void poll(JdbcHistoryStore store, Instant end, long calls, double execMs) {
    StatementKey k = new StatementKey("a", 1, 10, 7, true);
    StatementInterval i = new StatementInterval(k, end.minusSeconds(60), end,
            CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.EXEC_SUMSQ_MS, execMs * execMs / calls), java.util.OptionalDouble.empty());
    store.recordPoll(
        PollRecord.success(new Snapshot("a", end, Optional.empty(), OptionalLong.empty(), Map.of()), List.of(i), true));
  }
}
