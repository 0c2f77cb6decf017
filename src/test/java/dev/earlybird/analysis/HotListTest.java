package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.history.HotQueryRow;
import dev.earlybird.history.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class HotListTest {
  /** One interval's sums, polled with track_io_timing on or off. */
  private static Usage usage(long calls, double execMs, double ioMs, boolean timed) {
    return new Usage(1, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.EXEC_MS, execMs)
            .with(Counter.IO_READ_MS, ioMs), 0, 0, timed ? 1 : 0);
  }

  private static HotQueryRow row(
      String target, String db, long queryId, long calls, double execMs, double ioMs, boolean timed) {
    return new HotQueryRow(
        target, db, 1, queryId, "f" + queryId, "SELECT " + queryId, usage(calls, execMs, ioMs, timed));
  }

  private static HotQueryRow row(String target, String db, long queryId, long calls, double execMs, double ioMs) {
    return row(target, db, queryId, calls, execMs, ioMs, true);
  }

  private final List<HotQueryRow> rows =
      List.of(
          row("a", "tenant_x", 1, 10, 1000, 900), // IO-bound: little CPU
          row("a", "tenant_y", 2, 100, 500, 0),
          row("b", "tenant_x", 3, 5, 300, 100));

  /** The same statements polled with track_io_timing off (no IO time is recorded then). */
  private final List<HotQueryRow> untimed =
      List.of(
          row("a", "tenant_x", 1, 10, 1000, 0, false),
          row("a", "tenant_y", 2, 100, 500, 0, false),
          row("b", "tenant_x", 3, 5, 300, 0, false));

  @Test
  void ranksByCpuWithIoSubtractedWhenTrackIoTimingIsOn() {
    List<HotQuery> hot = HotList.rank(rows, db -> db.substring(7), null, 10, java.time.Duration.ofHours(1));
    assertThat(hot).extracting(HotQuery::queryId).containsExactly(2L, 3L, 1L);
    assertThat(hot.get(0).cpuMs()).isEqualTo(500);
    assertThat(hot.get(0).cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
    assertThat(hot.get(0).meanMs()).isEqualTo(5);
    // Shares are of the statement's own target: a has 100 + 500 ms of CPU.
    assertThat(hot.get(0).sharePct()).isCloseTo(500.0 / 6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(hot.get(1).sharePct()).isEqualTo(100);
  }

  @Test
  void fallsBackToExecTimeWhenIoIsNotTimed() {
    List<HotQuery> hot = HotList.rank(untimed, db -> db, null, 10, java.time.Duration.ofHours(1));
    assertThat(hot).extracting(HotQuery::queryId).containsExactly(1L, 2L, 3L);
    assertThat(hot).allSatisfy(q -> assertThat(q.cpuSource()).isEqualTo(CpuSource.EXEC_TIME));
  }

  @Test
  void measuredCpuRanksAStatementThatWaitsBelowOneThatComputes() {
    // A sleeper: long execution, no IO, next to no CPU; a computation: shorter, all CPU (pg_stat_kcache).
    Usage sleeper = new Usage(2, CounterValues.ZERO.with(Counter.CALLS, 2).with(Counter.EXEC_MS, 2000), 0.2, 2, 2);
    Usage computes = new Usage(2, CounterValues.ZERO.with(Counter.CALLS, 2).with(Counter.EXEC_MS, 800), 780, 2, 2);
    List<HotQuery> hot =
        HotList.rank(
            List.of(new HotQueryRow("a", "d", 1, 1, "f1", "SELECT pg_sleep($1)", sleeper),
                new HotQueryRow("a", "d", 1, 2, "f2", "SELECT count(*) ...", computes)),
            db -> db, null, 10, java.time.Duration.ofHours(1));
    assertThat(hot).extracting(HotQuery::queryId).containsExactly(2L, 1L);
    assertThat(hot).allSatisfy(q -> assertThat(q.cpuSource()).isEqualTo(CpuSource.PG_STAT_KCACHE));
    assertThat(hot.get(0).cpuMs()).isEqualTo(780);
    assertThat(hot.get(1).cpuMs()).isEqualTo(0.2);
  }

  @Test
  void tenantFilterAndLimitApplyAfterSharesAreComputed() {
    List<HotQuery> hot = HotList.rank(rows, db -> db.substring(7), "x", 1, java.time.Duration.ofHours(1));
    assertThat(hot).singleElement().satisfies(q -> {
      assertThat(q.queryId()).isEqualTo(3);
      assertThat(q.tenant()).isEqualTo("x");
      assertThat(q.sharePct()).isEqualTo(100);
    });
  }

  @Test
  void zeroCallsGiveZeroMeanNotNaN() {
    List<HotQuery> hot =
        HotList.rank(List.of(row("a", "d", 9, 0, 0, 0)), db -> db, null, 10, java.time.Duration.ofHours(1));
    assertThat(hot.get(0).meanMs()).isZero();
    assertThat(hot.get(0).sharePct()).isZero();
  }

  @Test
  void windowShareIsCpuOverTheWindowsWallClock() {
    // 500 ms of CPU in a 10 s window: 5% of one core.
    List<HotQuery> hot = HotList.rank(rows, db -> db, null, 1, java.time.Duration.ofSeconds(10));
    assertThat(hot.get(0).windowSharePct()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void changeIsTheMeanAgainstTheBaselineInPercent() {
    HotQuery q = HotList.rank(rows, db -> db, null, 1, java.time.Duration.ofHours(1)).get(0);
    assertThat(q.meanMs()).isEqualTo(5);
    assertThat(q.withBaseline("rolling", 2.0).changePct()).isEqualTo(150);
    assertThat(q.withBaseline("rolling", null).changePct()).isNull();
  }

  @Test
  void equalCpuKeepsTheStoresRankNotTheLongerExecution() {
    // Both 50 ms of CPU; the store ranked the lower database first, as the analysis' findings do.
    HotQueryRow longer = new HotQueryRow("a", "d2", 2, 1, "f1", "SELECT 1", usage(10, 100, 50, true), 2);
    HotQueryRow shorter = new HotQueryRow("a", "d1", 1, 2, "f2", "SELECT 2", usage(10, 50, 0, true), 1);
    List<HotQuery> hot = HotList.rank(List.of(longer, shorter), db -> db, null, 10, java.time.Duration.ofHours(1));
    assertThat(hot).extracting(HotQuery::queryId).containsExactly(2L, 1L);
    assertThat(hot).extracting(HotQuery::rank).containsExactly(1, 2);
  }
}
