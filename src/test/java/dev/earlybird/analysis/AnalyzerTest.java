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
import dev.earlybird.history.FindingFilter;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.QueryFamily;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis against a real DuckDB store filled with synthetic polls: every 10 s, a 40 s window, a rolling
 * 2 min baseline. Per-call times are drawn from known distributions so the significance test has real spread.
 */
class AnalyzerTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Duration POLL = Duration.ofSeconds(10);
  static final String TARGET = "pg1";

  @TempDir Path dir;
  JdbcHistoryStore store;
  HistoryWriter writer;
  Analyzer analyzer;
  final Random random = new Random(42);
  Instant clock = T0;
  /** Whether the polls find track_io_timing on. */
  boolean ioTimed;

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
    writer = new HistoryWriter(store, 16);
    var config = new AnalysisConfig(
        new HotConfig(10, 1),
        new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(2)),
        new RegressionConfig(Duration.ofSeconds(40), 20, 1.5, 0.01, Duration.ofSeconds(1), 2, 2),
        new OutlierConfig(3, 4));
    analyzer = new Analyzer(store, writer, config, TenantsConfig.DEFAULT);
    List<DatabaseInfo> dbs = new ArrayList<>();
    for (int db = 1; db <= 5; db++) {
      dbs.add(new DatabaseInfo(TARGET, db, "tenant_" + (char) ('a' + db - 1)));
    }
    store.upsertDatabases(TARGET, dbs);
  }

  @AfterEach
  void close() {
    writer.close();
    store.close();
  }

  /** What each statement does per poll: calls and the mean/stddev of its per-call time. */
  record Load(int db, long queryId, int calls, double meanMs, double sdMs) {}

  void poll(List<Load> loads) {
    Instant start = clock;
    clock = clock.plus(POLL);
    List<StatementInterval> intervals = new ArrayList<>();
    for (Load l : loads) {
      Draw d = Draw.of(random, l.calls(), l.meanMs(), l.sdMs());
      intervals.add(new StatementInterval(new StatementKey(TARGET, l.db(), 10, l.queryId(), true), start, clock,
              CounterValues.ZERO.with(Counter.CALLS, l.calls())
              .with(Counter.EXEC_MS, d.sumMs())
              .with(Counter.EXEC_SUMSQ_MS, d.sumSquaresMs())
              .with(Counter.ROWS, l.calls()), java.util.OptionalDouble.empty()));
    }
    Snapshot snap = new Snapshot(TARGET, clock, Optional.empty(), OptionalLong.empty(), Map.of());
    store.recordPoll(PollRecord.success(snap, intervals, ioTimed));
  }

  void polls(int n, List<Load> loads) {
    for (int i = 0; i < n; i++) {
      poll(loads);
    }
  }

  List<Finding> evaluateDue() {
    List<Finding> changed = new ArrayList<>();
    analyzer.due(clock, Duration.ZERO).ifPresent(end -> changed.addAll(analyzer.evaluate(end).changed()));
    return changed;
  }

  /** One 40 s window of polls, then its evaluation. */
  List<Finding> window(List<Load> loads) {
    polls(4, loads);
    return evaluateDue();
  }

  List<Finding> active(FindingKind kind) {
    return store.findings(FindingFilter.all()).stream().map(r -> r.finding())
        .filter(f -> f.kind() == kind && f.state() == FindingState.ACTIVE).toList();
  }

  static final List<Load> NORMAL = List.of(
      new Load(1, 100, 30, 2.0, 0.5),   // steady
      new Load(2, 200, 30, 2.0, 0.5),   // will regress
      new Load(3, 300, 30, 2.0, 0.5),   // will surge in volume
      new Load(4, 400, 5, 20.0, 40.0)); // few calls, very noisy

  @Test
  void aSlowerPerCallStatementRegressesAfterTwoWindowsButAVolumeSurgeDoesNot() {
    polls(16, NORMAL); // 160 s of baseline (window-aligned from T0)
    evaluateDue();
    List<Load> after = List.of(
        new Load(1, 100, 30, 2.0, 0.5),
        new Load(2, 200, 30, 6.0, 1.5),   // 3x per call
        new Load(3, 300, 120, 2.0, 0.5),  // 4x the calls, same cost per call
        new Load(4, 400, 5, 20.0, 40.0)); // noisy, too few calls to judge
    window(after);
    assertThat(active(FindingKind.REGRESSION)).as("one window is not enough").isEmpty();
    window(after);
    List<Finding> regressions = active(FindingKind.REGRESSION);
    assertThat(regressions).extracting(Finding::queryId).containsExactly(200L);
    Finding f = regressions.get(0);
    assertThat(f.database()).isEqualTo("tenant_b");
    assertThat(f.tenant()).isEqualTo("b");
    var e = (Evidence.Regression) f.evidence();
    assertThat(e.ratio()).isBetween(2.5, 3.5);
    assertThat(e.pValue()).isLessThan(0.001);
    assertThat(e.afterCalls()).isEqualTo(120);
    assertThat(e.baseline()).isEqualTo("rolling");
    assertThat(f.since()).as("since the first window of the streak").isEqualTo(T0.plusSeconds(160));
    // The hot finding is the top CPU statement: the surge (120 calls x 2 ms) beats the regression (30 x 6 ms).
    assertThat(active(FindingKind.HOT)).extracting(Finding::queryId).containsExactly(300L);
  }

  @Test
  void aRegressionsEvidenceAndTheHotListAgreeOnWhereTheStatementsCpuComesFrom() {
    ioTimed = true;
    polls(16, NORMAL);
    evaluateDue();
    List<Load> after = List.of(new Load(1, 100, 30, 2.0, 0.5), new Load(2, 200, 30, 6.0, 1.5));
    window(after);
    window(after);
    Finding f = active(FindingKind.REGRESSION).getFirst();
    var hot = new HotList(store, TenantsConfig.DEFAULT, new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(2)))
        .rank(new HotList.Request(clock.minusSeconds(40), clock, null, null, null, 10));
    HotQuery same = hot.stream().filter(q -> q.queryId() == f.queryId()).findFirst().orElseThrow();
    assertThat(((Evidence.Regression) f.evidence()).cpuSource())
        .isEqualTo(same.cpuSource().label())
        .isEqualTo("exec_minus_io");
  }

  @Test
  void aRegressionResolvesAfterTwoCleanWindowsAndARestartNeitherForgetsNorRepeats() {
    polls(16, NORMAL);
    evaluateDue();
    List<Load> slow = List.of(new Load(1, 100, 30, 2.0, 0.5), new Load(2, 200, 30, 6.0, 1.5));
    window(slow);
    window(slow);
    assertThat(active(FindingKind.REGRESSION)).hasSize(1);
    // Longer than the rolling baseline's lookback: still judged against the baseline it was found against.
    for (int i = 0; i < 4; i++) {
      window(slow);
    }
    assertThat(active(FindingKind.REGRESSION)).hasSize(1);
    String id = active(FindingKind.REGRESSION).get(0).id();

    // A restart: a new analyzer on the same store knows the finding and the last window.
    analyzer = new Analyzer(store, writer, analyzerConfig(), TenantsConfig.DEFAULT);
    assertThat(analyzer.due(clock, Duration.ZERO)).isEmpty();
    window(NORMAL);
    assertThat(active(FindingKind.REGRESSION)).extracting(Finding::id).containsExactly(id);
    window(NORMAL);
    assertThat(active(FindingKind.REGRESSION)).isEmpty();
    var resolved = store.findings(FindingFilter.all()).stream().map(r -> r.finding())
        .filter(f -> f.kind() == FindingKind.REGRESSION).toList();
    assertThat(resolved).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(id);
      assertThat(f.state()).isEqualTo(FindingState.RESOLVED);
      assertThat(f.resolvedAt()).isPresent();
    });
  }

  AnalysisConfig analyzerConfig() {
    return new AnalysisConfig(
        new HotConfig(10, 1),
        new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(2)),
        new RegressionConfig(Duration.ofSeconds(40), 20, 1.5, 0.01, Duration.ofSeconds(1), 2, 2),
        new OutlierConfig(3, 4));
  }

  @Test
  void aStatementAbsentFromTheBaselineThatRanksHighIsNew() {
    polls(16, NORMAL);
    evaluateDue();
    List<Load> with = new ArrayList<>(NORMAL);
    with.add(new Load(5, 500, 40, 10.0, 2.0));
    window(with);
    assertThat(active(FindingKind.NEW)).isEmpty();
    window(with);
    assertThat(active(FindingKind.NEW)).extracting(Finding::queryId).containsExactly(500L);
  }

  @Test
  void nothingIsNewWhileTheBaselineHasNotSeenEnoughHistory() {
    window(NORMAL);
    window(NORMAL);
    assertThat(store.findings(FindingFilter.all())).noneMatch(r -> r.finding().kind() == FindingKind.NEW);
  }

  @Test
  void theSameSqlFarSlowerInOneTenantIsAnOutlier() {
    String sql = "SELECT * FROM orders WHERE customer_id = $1";
    List<StatementText> texts = new ArrayList<>();
    for (int db = 1; db <= 5; db++) {
      texts.add(new StatementText(TARGET, db, 1000 + db, sql, false, QueryFamily.of(sql)));
    }
    store.saveTexts(texts);
    List<Load> loads = List.of(
        new Load(1, 1001, 30, 1.0, 0.2), new Load(2, 1002, 30, 1.1, 0.2), new Load(3, 1003, 30, 0.9, 0.2),
        new Load(4, 1004, 30, 1.0, 0.2), new Load(5, 1005, 30, 8.0, 1.0));
    polls(12, loads);
    evaluateDue();
    window(loads);
    List<Finding> outliers = active(FindingKind.OUTLIER);
    assertThat(outliers).extracting(Finding::queryId).containsExactly(1005L);
    var e = (Evidence.Outlier) outliers.get(0).evidence();
    assertThat(e.databasesCompared()).isEqualTo(5);
    assertThat(e.ratio()).isGreaterThan(5);
    assertThat(outliers.get(0).family()).isEqualTo(QueryFamily.of(sql));
  }

  @Test
  void theHotListShowsEachStatementsBaselineMeanAndChange() {
    polls(16, NORMAL);
    window(List.of(new Load(1, 100, 30, 2.0, 0.5), new Load(2, 200, 30, 6.0, 1.5)));
    var hot = new HotList(store, TenantsConfig.DEFAULT, new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(2)))
        .rank(new HotList.Request(clock.minusSeconds(40), clock, null, null, null, 10));
    assertThat(hot).extracting(HotQuery::queryId).containsExactly(200L, 100L);
    HotQuery slow = hot.get(0);
    assertThat(slow.baseline()).isEqualTo("rolling");
    assertThat(slow.baselineMeanMs()).isBetween(1.8, 2.2);
    assertThat(slow.changePct()).isBetween(150.0, 250.0);
    assertThat(slow.tenant()).isEqualTo("b");
    assertThat(slow.rows()).isEqualTo(120);
  }

  @Test
  void aQuietWindowBelowTheImpactFloorNeitherResolvesNorAdvancesAnOpenRegression() {
    // Floor 60 s per hour = 667 ms per 40 s window.
    analyzer = new Analyzer(store, writer, new AnalysisConfig(new HotConfig(10, 1),
        new BaselineConfig(BaselineMode.ROLLING, Duration.ofMinutes(2)),
        new RegressionConfig(Duration.ofSeconds(40), 20, 1.5, 0.01, Duration.ofSeconds(60), 2, 2),
        new OutlierConfig(3, 4)), TenantsConfig.DEFAULT);
    polls(16, NORMAL);
    evaluateDue();
    List<Load> slow = List.of(new Load(2, 200, 30, 6.0, 1.5)); // +4 ms x 120 calls = 480 ms: below the floor
    List<Load> busySlow = List.of(new Load(2, 200, 60, 6.0, 1.5)); // +4 ms x 240 calls = 960 ms per window
    window(busySlow);
    window(busySlow);
    assertThat(active(FindingKind.REGRESSION)).hasSize(1);
    // Night: still 3x slower per call, but too few calls for the floor. Not a sign the cause is gone.
    window(slow);
    window(slow);
    window(slow);
    assertThat(active(FindingKind.REGRESSION)).hasSize(1);
    window(List.of(new Load(2, 200, 60, 2.0, 0.5)));
    window(List.of(new Load(2, 200, 60, 2.0, 0.5)));
    assertThat(active(FindingKind.REGRESSION)).isEmpty();
  }

  @Test
  void hotFindingsTakePerformanceInsightsCpuWherePiCoveredTheWindow() {
    // PI read in complete 10 s windows over the whole run: 0.5 sessions on CPU for statement 100 of tenant_a.
    for (Instant t = T0; t.isBefore(T0.plusSeconds(240)); t = t.plusSeconds(10)) {
      var period = new dev.earlybird.model.Period(t, t.plusSeconds(10));
      var digest = new dev.earlybird.model.PiStatementLoad("D1", "100", "SELECT ?", 6000,
          Map.of("CPU", 5000.0, "IO", 1000.0), java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty(),
          java.util.OptionalDouble.empty());
      store.recordPiWindow(new dev.earlybird.model.PiWindow(TARGET, period, true, List.of(digest), List.of(), List.of()),
          List.of(new dev.earlybird.model.PiShare("D1", 1, 100, "queryid", 1, 5000, 6000)), t.plusSeconds(10));
    }
    List<Load> loads = List.of(new Load(1, 100, 50, 20, 2), new Load(2, 200, 50, 5, 1));
    for (int i = 0; i < 4; i++) {
      window(loads);
    }

    Finding hot = store.findings(FindingFilter.all()).stream().map(r -> r.finding())
        .filter(f -> f.kind() == FindingKind.HOT).findFirst().orElseThrow();
    var e = (Evidence.Hot) hot.evidence();
    assertThat(hot.queryId()).isEqualTo(100L);
    assertThat(e.cpuSource()).isEqualTo("performance_insights");
    // 0.5 sessions on CPU over a 40 s window.
    assertThat(e.cpuMs()).isEqualTo(20_000.0);
  }
}
