package dev.earlybird.bench;

import dev.earlybird.analysis.Analyzer;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.Retention;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The replay mode: no PostgreSQL. Weeks of synthetic 5-minute intervals ({@link SyntheticFleet}) go through the
 * real DuckDB store (rollups and retention by {@code maintain}, as the agent's maintenance does) and the real
 * {@link Analyzer}, on a simulated clock. Four weeks of history are written once; the store is then copied,
 * and the test period (which spans the UK's and the US' autumn DST changes) is replayed into both copies in
 * lockstep, one analysed with the seasonal baseline and one with a rolling 24h baseline, so both see exactly
 * the same calls.
 */
final class ReplayDetection {
  static final Instant HISTORY_FROM = Instant.parse("2026-09-24T00:00:00Z");
  static final Instant TEST_FROM = Instant.parse("2026-10-22T00:00:00Z");
  static final Duration WINDOW = Duration.ofHours(1);
  static final Retention RETENTION = Retention.DEFAULT;

  /** One baseline mode's analysis over its copy of the store. */
  static final class Run implements AutoCloseable {
    final String mode;
    final String baselineYaml;
    final AgentConfig config;
    final JdbcHistoryStore store;
    final HistoryWriter writer;
    final Analyzer analyzer;
    final Map<String, Instant> firstActive = new HashMap<>();
    final List<Double> evaluationMs = new ArrayList<>();

    Run(String mode, String baselineYaml, Path file, InstantSource clock) throws Exception {
      this.mode = mode;
      this.baselineYaml = baselineYaml;
      this.config = ConfigLoader.parse(config(baselineYaml), "replay config (" + mode + ")", file.getParent(), n -> null);
      this.store = DuckDbHistoryStore.open(file, clock);
      this.writer = new HistoryWriter(store, 16);
      this.analyzer = new Analyzer(store, writer, config.analysis(), config.tenants());
    }

    void evaluateDue(Instant now) {
      Optional<Instant> due = analyzer.due(now, Duration.ZERO);
      if (due.isEmpty()) {
        return;
      }
      Analyzer.Evaluation e = analyzer.evaluate(due.get());
      evaluationMs.add(e.took().toNanos() / 1e6);
      for (Finding f : e.changed()) {
        if (f.state() == FindingState.ACTIVE) {
          firstActive.putIfAbsent(f.id(), due.get());
        }
      }
    }

    @Override
    public void close() {
      writer.close();
      store.close();
    }
  }

  private final int weeks;
  private final Path outDir;

  ReplayDetection(int weeks, Path outDir) {
    this.weeks = weeks;
    this.outDir = outDir;
  }

  static String config(String baseline) {
    return """
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
          defaults: { timezone: America/New_York, workdayStart: "07:00" }
          overrides: %s
        analysis:
          baseline: %s
          regression: { window: 1h }
        """
        .formatted(SyntheticFleet.zoneOverrides(), baseline);
  }

  List<DetectionReport> run(String stamp) throws Exception {
    Instant testTo = HISTORY_FROM.plus(Duration.ofDays(7L * weeks));
    var fleet = new SyntheticFleet();
    AtomicReference<Instant> now = new AtomicReference<>(HISTORY_FROM);
    InstantSource clock = now::get;
    Path seasonalFile = outDir.resolve("detection-replay-" + stamp + "-seasonal.duckdb");
    Path rollingFile = outDir.resolve("detection-replay-" + stamp + "-rolling.duckdb");
    long started = System.nanoTime();
    Instant last = HISTORY_FROM;
    int polls = 0;
    long intervals = 0;
    try {
      try (var store = DuckDbHistoryStore.open(seasonalFile, clock)) {
        store.upsertDatabases(SyntheticFleet.TARGET, fleet.databases());
        for (Instant t = HISTORY_FROM.plus(SyntheticFleet.POLL); !t.isAfter(TEST_FROM); t = t.plus(SyntheticFleet.POLL)) {
          now.set(t);
          List<StatementInterval> batch = fleet.intervals(last, t);
          store.recordPoll(PollRecord.success(snapshot(t), batch));
          intervals += batch.size();
          polls++;
          last = t;
          if (minuteOfHour(t) == 5) {
            store.maintain(t, RETENTION);
          }
        }
      }
      double historyS = (System.nanoTime() - started) / 1e9;
      DetectionBench.log("wrote %d days of history (%d polls, %d intervals) in %.0f s",
          Duration.between(HISTORY_FROM, TEST_FROM).toDays(), polls, intervals, historyS);
      Files.copy(seasonalFile, rollingFile, StandardCopyOption.REPLACE_EXISTING);
      long testStarted = System.nanoTime();
      try (var seasonal = new Run("seasonal", "{ mode: seasonal, lookback: 28d }", seasonalFile, clock);
          var rolling = new Run("rolling", "{ mode: rolling, lookback: 24h }", rollingFile, clock)) {
        List<Run> runs = List.of(seasonal, rolling);
        for (Instant t = TEST_FROM.plus(SyntheticFleet.POLL); !t.isAfter(testTo); t = t.plus(SyntheticFleet.POLL)) {
          now.set(t);
          if (t.isAfter(SyntheticFleet.OUTAGE_FROM) && !t.isAfter(SyntheticFleet.OUTAGE_TO)) {
            continue; // the agent is down: no poll, no maintenance, no analysis; the next poll spans the gap
          }
          var record = PollRecord.success(snapshot(t), fleet.intervals(last, t));
          last = t;
          for (Run r : runs) {
            r.store.recordPoll(record);
            if (minuteOfHour(t) == 5) {
              r.store.maintain(t, RETENTION);
            }
            r.evaluateDue(t);
          }
          if (minuteOfHour(t) == 0 && t.atZone(java.time.ZoneOffset.UTC).getHour() == 0) {
            DetectionBench.log("replayed up to %s", t);
          }
        }
        double testS = (System.nanoTime() - testStarted) / 1e9;
        List<DetectionReport> out = new ArrayList<>();
        for (Run r : runs) {
          DetectionReport report = new ReplayScoring(fleet, r, WINDOW).report();
          report.setting("history", Duration.between(HISTORY_FROM, TEST_FROM).toDays() + " days from " + HISTORY_FROM
              + ", written once in " + Math.round(historyS) + " s, then copied");
          report.setting("test period", TEST_FROM + " to " + testTo + " (" + Duration.between(TEST_FROM, testTo).toDays()
              + " days, UK DST change 2026-10-25, US 2026-11-01), replayed into both stores in " + Math.round(testS) + " s");
          report.setting("evaluation time", DetectionReport.fmt("median %.0f ms, max %.0f ms per window (%d windows)",
              median(r.evaluationMs), r.evaluationMs.stream().mapToDouble(Double::doubleValue).max().orElse(0),
              r.evaluationMs.size()));
          out.add(report);
        }
        return out;
      }
    } finally {
      for (Path f : List.of(seasonalFile, rollingFile)) {
        Files.deleteIfExists(f);
        Files.deleteIfExists(f.resolveSibling(f.getFileName() + ".wal"));
      }
    }
  }

  private static Snapshot snapshot(Instant t) {
    return new Snapshot(SyntheticFleet.TARGET, t, Optional.empty(), OptionalLong.empty(), Map.of());
  }

  private static int minuteOfHour(Instant t) {
    return (int) ((t.getEpochSecond() / 60) % 60);
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v[v.length / 2];
  }
}
