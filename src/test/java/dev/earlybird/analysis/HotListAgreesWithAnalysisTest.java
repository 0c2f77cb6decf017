package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.config.HotConfig;
import dev.earlybird.config.OutlierConfig;
import dev.earlybird.config.RegressionConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import dev.earlybird.model.PiShare;
import dev.earlybird.model.PiStatementLoad;
import dev.earlybird.model.PiWindow;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot list a user reads next to the findings, against a real DuckDB store filled with synthetic polls (every
 * 10 s; the analysis' windows are 40 s, its rolling baseline 2 min): baseline, rank and CPU must say what the
 * analysis says for the same statement and window.
 */
class HotListAgreesWithAnalysisTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Duration POLL = Duration.ofSeconds(10);
  static final Duration WINDOW = Duration.ofSeconds(40);
  static final String TARGET = "pg1";
  static final BaselineConfig BASELINE = new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(2));

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  Analyzer analyzer;
  HotList hotList;
  final Random random = new Random(7);
  Instant clock = T0;

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
    writer = new HistoryWriter(store, 16);
    var config = new AnalysisConfig(new HotConfig(10, 10), BASELINE,
        new RegressionConfig(WINDOW, 20, 1.5, 0.01, Duration.ofSeconds(1), 2, 2), new OutlierConfig(3, 4));
    analyzer = new Analyzer(store, writer, config, TenantsConfig.DEFAULT);
    hotList = new HotList(store, TenantsConfig.DEFAULT, BASELINE);
    store.upsertDatabases(TARGET, List.of(new DatabaseInfo(TARGET, 1, "tenant_a"), new DatabaseInfo(TARGET, 2,
        "tenant_b"), new DatabaseInfo(TARGET, 3, "tenant_c")));
  }

  @AfterEach
  void close() {
    writer.close();
    store.close();
  }

  /** What a statement does per poll. */
  record Load(int db, long queryId, int calls, double meanMs, double sdMs, double ioMs, OptionalDouble kcacheMs) {
    static Load of(int db, long queryId, int calls, double meanMs, double sdMs) {
      return new Load(db, queryId, calls, meanMs, sdMs, 0, OptionalDouble.empty());
    }

    /** One poll's interval, polled with track_io_timing on. */
    StatementInterval interval(Random random, Instant start, Instant end) {
      Draw d = Draw.of(random, calls, meanMs, sdMs);
      return new StatementInterval(new StatementKey(TARGET, db, 10, queryId, true), start, end,
              CounterValues.ZERO.with(Counter.CALLS, calls)
              .with(Counter.EXEC_MS, d.sumMs())
              .with(Counter.EXEC_SUMSQ_MS, d.sumSquaresMs())
              .with(Counter.ROWS, calls)
              .with(Counter.IO_READ_MS, ioMs), kcacheMs);
    }
  }

  void poll(List<Load> loads) {
    Instant start = clock;
    Instant end = clock.plus(POLL);
    clock = end;
    store.recordPoll(PollRecord.success(new Snapshot(TARGET, end, Optional.empty(), OptionalLong.empty(), Map.of()),
        loads.stream().map(l -> l.interval(random, start, end)).toList(), true));
  }

  /** A window of polls, then the analysis of it; returns the findings it opened or changed. */
  List<Finding> window(List<Load> loads) {
    for (int i = 0; i < WINDOW.dividedBy(POLL); i++) {
      poll(loads);
    }
    return analyzer.evaluate(clock).changed();
  }

  /** Complete PI windows of 10 s over {@code [from, to)}, in which digest D3 (queryid 303 of db 1) had this CPU. */
  void piWindows(Instant from, Instant to, double cpuMsPerWindow) {
    for (Instant t = from; t.isBefore(to); t = t.plus(POLL)) {
      var digest = new PiStatementLoad("D3", "303", "SELECT 303", cpuMsPerWindow, Map.of("CPU", cpuMsPerWindow),
          OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
      store.recordPiWindow(new PiWindow(TARGET, new Period(t, t.plus(POLL)), true, List.of(digest), List.of(), List.of()),
          List.of(new PiShare("D3", 1, 303, "queryid", 1, cpuMsPerWindow, cpuMsPerWindow)), t.plus(POLL));
    }
  }

  List<HotQuery> hot(Instant from, Instant to) {
    return hotList.rank(new HotList.Request(from, to, TARGET, null, null, 100));
  }

  static HotQuery row(List<HotQuery> hot, long queryId) {
    return hot.stream().filter(q -> q.queryId() == queryId).findFirst().orElseThrow();
  }

  @Test
  void anOpenRegressionIsShownAgainstTheBaselineItWasFoundAgainst() {
    Load slowed = Load.of(1, 100, 50, 2, 0.2);
    Load steady = Load.of(2, 200, 50, 5, 0);
    for (int i = 0; i < 4; i++) {
      window(List.of(slowed, steady)); // 160 s of normal load: a full baseline
    }
    // The demo's regression: an index dropped, the lookup 40 times slower; found after two windows, then it goes on
    // until the rolling baseline right before a window holds nothing but the regression.
    Load regressed = Load.of(1, 100, 50, 80, 4);
    for (int i = 0; i < 6; i++) {
      window(List.of(regressed, steady));
    }
    Finding regression = store.openFindings().stream()
        .filter(f -> f.fingerprint().equals(Fingerprints.of(FindingKind.REGRESSION, TARGET, 1, 100)))
        .findFirst().orElseThrow();
    assertThat(regression.state()).isEqualTo(FindingState.ACTIVE);
    var found = (Evidence.Regression) regression.evidence();

    HotQuery last = row(hot(clock.minus(WINDOW), clock), 100);
    assertThat(last.baselineMeanMs()).isEqualTo(found.beforeMeanMs());
    assertThat(last.baseline()).startsWith(found.baseline());
    // 2 ms -> 80 ms: about +3900 %, as the finding's ratio says; not "unchanged" against the regression itself.
    assertThat(last.changePct()).isCloseTo(100 * (found.ratio() - 1), Offset.offset(100 * found.ratio() * 0.1));

    // The default view, the last 24 hours, on the agent's first day: the regressed statement still has its
    // finding's baseline; the steady one has none, since nothing was polled before the window.
    List<HotQuery> day = hot(clock.minus(Duration.ofHours(24)), clock);
    assertThat(row(day, 100).baselineMeanMs()).isEqualTo(found.beforeMeanMs());
    assertThat(row(day, 200).baselineMeanMs()).isNull();
    assertThat(row(day, 200).changePct()).isNull();
    assertThat(row(day, 200).baseline()).contains("not enough history").contains("first polled");

    // A window with history before it: the analysis' rolling plan, read as the analysis reads it.
    HotQuery steadyLast = row(hot(clock.minus(WINDOW), clock), 200);
    assertThat(steadyLast.baseline()).isEqualTo(BaselinePlan.ROLLING);
    assertThat(steadyLast.baselineMeanMs()).isEqualTo(5.0);
    assertThat(steadyLast.changePct()).isEqualTo(0.0);
  }

  @Test
  void aStatementHasTheSameRankByCpuInItsHotFindingAndInTheHotList() {
    List<Load> loads = List.of(
        // 301 and 302 tie at 50 ms of CPU per poll (execution minus IO); 301 executes longer.
        new Load(2, 301, 10, 10, 0, 50, OptionalDouble.empty()),
        new Load(1, 302, 10, 5, 0, 0, OptionalDouble.empty()),
        // 303 executes 200 ms per poll, but Performance Insights says 20 ms of it is CPU.
        new Load(1, 303, 10, 20, 0, 0, OptionalDouble.empty()),
        // 304 runs 300 ms, of which pg_stat_kcache measured 30 ms on CPU.
        new Load(3, 304, 10, 30, 0, 0, OptionalDouble.of(30)),
        new Load(1, 305, 10, 15, 0, 0, OptionalDouble.empty()));
    piWindows(T0, T0.plus(Duration.ofMinutes(4)), 20);
    List<Finding> changed = List.of();
    for (int i = 0; i < 4; i++) {
      changed = window(loads);
    }
    List<HotQuery> hot = hot(clock.minus(WINDOW), clock);

    assertThat(hot).extracting(HotQuery::queryId).containsExactly(305L, 302L, 301L, 304L, 303L);
    assertThat(row(hot, 303).cpuSource()).isEqualTo(CpuSource.PERFORMANCE_INSIGHTS);
    assertThat(row(hot, 304).cpuSource()).isEqualTo(CpuSource.PG_STAT_KCACHE);
    List<Finding> hotFindings = changed.stream().filter(f -> f.kind() == FindingKind.HOT).toList();
    assertThat(hotFindings).hasSize(5);
    for (Finding f : hotFindings) {
      var e = (Evidence.Hot) f.evidence();
      HotQuery q = hot.stream()
          .filter(h -> f.fingerprint().equals(Fingerprints.of(FindingKind.HOT, TARGET, h.dbId(), h.queryId())))
          .findFirst().orElseThrow();
      assertThat(q.rank()).as("rank of %d", q.queryId()).isEqualTo(e.rank()).isEqualTo(hot.indexOf(q) + 1);
      assertThat(q.cpuMs()).isEqualTo(e.cpuMs());
      assertThat(q.cpuSource().label()).isEqualTo(e.cpuSource());
    }
    // Filtered to one database, a statement keeps its rank on the target.
    assertThat(hotList.rank(new HotList.Request(clock.minus(WINDOW), clock, TARGET, "tenant_b", null, 100)))
        .singleElement().satisfies(q -> assertThat(q.rank()).isEqualTo(3));
  }

  @Test
  void aDayWindowOnTheAgentsFirstDayShowsPerformanceInsightsCpuWhereItWasRead() {
    List<Load> loads = List.of(new Load(1, 303, 10, 20, 0, 0, OptionalDouble.empty()),
        new Load(1, 305, 10, 15, 0, 0, OptionalDouble.empty()));
    for (int i = 0; i < 24; i++) {
      poll(loads);
    }
    // PI read from the agent's start on, as PiLoop does: its windows cover the 4 polled minutes, not the day.
    piWindows(T0, clock, 20);

    HotQuery q = row(hot(clock.minus(Duration.ofHours(24)), clock), 303);
    assertThat(q.cpuSource()).isEqualTo(CpuSource.PERFORMANCE_INSIGHTS);
    // The windows from the first poll (T0 + 10 s) on: 23 of 10 s, 20 ms of CPU each.
    assertThat(q.cpuMs()).isEqualTo(23 * 20.0);

    // Two more minutes polled while PI was not read: PI no longer covers the polled part, so the estimate stands.
    for (int i = 0; i < 12; i++) {
      poll(loads);
    }
    HotQuery uncovered = row(hot(clock.minus(Duration.ofHours(24)), clock), 303);
    assertThat(uncovered.cpuSource()).isEqualTo(CpuSource.EXEC_MINUS_IO);
    assertThat(uncovered.cpuMs()).isEqualTo(36 * 200.0);
  }
}
