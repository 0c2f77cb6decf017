package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.config.ForecastConfig;
import dev.earlybird.config.HotConfig;
import dev.earlybird.config.OutlierConfig;
import dev.earlybird.config.RegressionConfig;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.Retention;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import dev.earlybird.model.StatementKey;
import dev.earlybird.model.Subject;
import dev.earlybird.testing.ForecastReplay;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecast against a real DuckDB store filled with a small seasonal workload: two tenants (New York and London)
 * on one target, busy weekday mornings, quiet nights and weekends, day-to-day noise, per-call cost that rises with
 * the load.
 */
class ForecasterTest {
  static final String TARGET = "pg1";
  static final Instant HISTORY_FROM = Instant.parse("2026-10-05T00:00:00Z"); // a Monday
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final TenantsConfig TENANTS = new TenantsConfig(Pattern.compile("^tenant_(?<tenant>.+)$"),
      new TenantSettings(NEW_YORK, LocalTime.of(7, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
          new TreeSet<>()),
      Map.of("b", new TenantSettings(LONDON, LocalTime.of(7, 0), EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
          new TreeSet<>())));
  static final AnalysisConfig ANALYSIS = new AnalysisConfig(new HotConfig(10, 1),
      new BaselineConfig(BaselineMode.SEASONAL, Duration.ofDays(28)),
      new RegressionConfig(Duration.ofHours(1), 20, 1.5, 0.01, Duration.ofSeconds(1), 1, 2),
      new OutlierConfig(3, 4));
  static final List<DatabaseInfo> DATABASES =
      List.of(new DatabaseInfo(TARGET, 1, "tenant_a"), new DatabaseInfo(TARGET, 2, "tenant_b"));

  @TempDir Path dir;

  /** Four statements per tenant; one of tenant_a's can be made slower per call from some instant on. */
  static final class Workload {
    final double[] peakCallsPerHour = {120_000, 60_000, 24_000, 6_000};
    final double[] meanMs = {2, 5, 12, 40};
    Instant slowFrom = Instant.MAX;
    double slowFactor = 3;

    static ZoneId zone(long db) {
      return db == 1 ? NEW_YORK : LONDON;
    }

    static double load(ZonedDateTime local) {
      int h = local.getHour();
      if (local.getDayOfWeek().getValue() >= 6) {
        return h >= 9 && h < 18 ? 0.15 : 0.05;
      }
      return h < 6 ? 0.05 : h == 6 ? 0.3 : h == 7 ? 0.7 : h < 12 ? 1.0 : h < 17 ? 0.8 : h < 20 ? 0.35 : 0.1;
    }

    /** Calls and cost per poll, taken at the interval's middle; noise per (statement, day). */
    List<StatementInterval> intervals(Instant from, Instant to) {
      List<StatementInterval> out = new ArrayList<>();
      Instant mid = from.plus(Duration.between(from, to).dividedBy(2));
      double hours = Duration.between(from, to).toSeconds() / 3600.0;
      for (long db = 1; db <= 2; db++) {
        ZonedDateTime local = mid.atZone(zone(db));
        for (int s = 0; s < peakCallsPerHour.length; s++) {
          var r = new SplittableRandom(db * 1_000 + s * 97 + local.toLocalDate().toEpochDay() * 7_919);
          double day = Math.exp(0.1 * r.nextGaussian());
          long calls = Math.round(peakCallsPerHour[s] * load(local) * day * hours);
          if (calls == 0) {
            continue;
          }
          double perCall = meanMs[s] * (1 + 0.2 * load(local)) * (db == 1 && s == 0 && !mid.isBefore(slowFrom) ? slowFactor : 1);
          double exec = calls * perCall;
          out.add(new StatementInterval(new StatementKey(TARGET, db, 10, 100 + s, true), from, to,
                  CounterValues.ZERO.with(Counter.CALLS, calls)
                  .with(Counter.EXEC_MS, exec)
                  .with(Counter.EXEC_SUMSQ_MS, calls * perCall * perCall * 1.2)
                  .with(Counter.ROWS, calls), OptionalDouble.empty()));
        }
      }
      return out;
    }
  }

  @Test
  void onASeasonalReplayTheMedianErrorOfTheMorningCpuIsWithin15Percent() {
    Workload w = new Workload();
    // The agent was down all of the second Wednesday: that week must not count as a quiet Wednesday.
    Period outage = new Period(Instant.parse("2026-10-14T00:00:00Z"), Instant.parse("2026-10-15T00:00:00Z"));
    var setup = new ForecastReplay.Setup(TARGET, DATABASES, w::intervals, Duration.ofHours(1), ANALYSIS,
        ForecastConfig.DEFAULT, TENANTS, 4, Duration.ofMinutes(90), List.of(outage), Duration.ofHours(6));
    ForecastReplay.Result r = ForecastReplay.run(setup, dir.resolve("replay.duckdb"), HISTORY_FROM,
        HISTORY_FROM.plus(Duration.ofDays(14)), HISTORY_FROM.plus(Duration.ofDays(18)));

    // Monday to Thursday x two tenants' mornings (New York's and London's spans differ).
    assertThat(r.mornings()).hasSize(8);
    assertThat(r.medianErrorPct()).as("median error of %s", r.mornings()).isLessThanOrEqualTo(15);
    Instant wednesday = ZonedDateTime.parse("2026-10-21T07:00-04:00[America/New_York]").toInstant();
    assertThat(r.mornings()).filteredOn(m -> m.from().equals(wednesday)).singleElement()
        .satisfies(m -> assertThat(m.errorPct()).isLessThanOrEqualTo(15));
  }

  /** Tuesday 04:00 in New York: tenant_a's busiest statement has cost 3x per call since an hour ago. */
  static final Instant NIGHT = Instant.parse("2026-10-20T08:00:00Z");
  static final Workload SHARED = new Workload();
  static final Map<String, Instant> CLOCK = new HashMap<>(Map.of("now", HISTORY_FROM));
  @TempDir static Path sharedDir;
  static JdbcHistoryStore shared;

  /** Two weeks and a night of hourly polls, shared by the tests that do not need a replay of their own. */
  @BeforeAll
  static void history() {
    SHARED.slowFrom = NIGHT.minus(Duration.ofHours(1));
    shared = DuckDbHistoryStore.open(sharedDir.resolve("h.duckdb"), () -> CLOCK.get("now"));
    shared.upsertDatabases(TARGET, DATABASES);
    for (Instant t = HISTORY_FROM.plus(Duration.ofHours(1)); !t.isAfter(NIGHT); t = t.plus(Duration.ofHours(1))) {
      poll(t);
    }
  }

  @AfterAll
  static void closeHistory() {
    shared.close();
  }

  /** The hour up to {@code to}; rollups every 6 hours (each rolls up every complete hour) and at the end. */
  private static void poll(Instant to) {
    CLOCK.put("now", to);
    shared.recordPoll(PollRecord.success(new Snapshot(TARGET, to, Optional.empty(), OptionalLong.empty(), Map.of()),
        SHARED.intervals(to.minus(Duration.ofHours(1)), to)));
    if (to.getEpochSecond() % Duration.ofHours(6).toSeconds() == 0 || !to.isBefore(NIGHT)) {
      shared.maintain(to.plus(Duration.ofMinutes(5)), Retention.DEFAULT);
    }
  }

  @Test
  void aRegressionFoundOvernightIsProjectedIntoTheMorning() {
    var forecaster = new Forecaster(shared, ANALYSIS, ForecastConfig.DEFAULT, TENANTS, t -> OptionalDouble.of(4));
    Instant nyMorning = ZonedDateTime.parse("2026-10-20T07:00-04:00[America/New_York]").toInstant();
    Evidence.Forecast f = forecaster.forecastFrom(TARGET, NIGHT, nyMorning).orElseThrow();
    Evidence.Contributor slow = f.top().stream().filter(c -> c.dbId() == 1 && c.queryId().equals("100"))
        .findFirst().orElseThrow();
    // Its usual morning cost is 2 x (1 + 0.2 x ~0.9) ms; the 3x it costs tonight goes into the morning.
    assertThat(slow.cpuMsPerCall()).isBetween(3 * 2 * 1.14, 3 * 2 * 1.2);
    assertThat(slow.cpuSource()).isEqualTo("exec_time");
    assertThat(f.weeks()).isEqualTo(2); // the weeks before the first poll have no data
    assertThat(f.from()).isEqualTo(nyMorning);
    assertThat(f.to()).isEqualTo(nyMorning.plus(Duration.ofHours(3)));
  }

  @Test
  void theAnalyzerOpensAForecastFindingAboutTheTargetAndResolvesItWhenTheCapacitySuffices() {
    Map<String, OptionalDouble> vcpus = new HashMap<>(Map.of(TARGET, OptionalDouble.of(0.5)));
    try (var writer = new HistoryWriter(shared, 16)) {
      var forecaster = new Forecaster(shared, ANALYSIS, ForecastConfig.DEFAULT, TENANTS, vcpus::get);
      var analyzer = new Analyzer(shared, writer, ANALYSIS, TENANTS, forecaster);

      Analyzer.Evaluation e = analyzer.evaluate(NIGHT);
      double ratio = e.forecastCpuRatios().get(TARGET).orElseThrow();
      assertThat(ratio).isGreaterThan(1);
      Finding f = shared.openFindings().stream().filter(x -> x.kind() == FindingKind.FORECAST).findFirst()
          .orElseThrow();
      assertThat(f.state()).isEqualTo(FindingState.ACTIVE);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.subject()).isEqualTo(new Subject.Target(TARGET, List.of("a", "b")));
      assertThat(f.summary()).startsWith("pg1 forecast at ").contains("of 0.5 vCPUs");
      var evidence = (Evidence.Forecast) f.evidence();
      assertThat(evidence.cpuRatio()).isEqualTo(ratio);
      // Of the next mornings (New York's today at 11:00 UTC, London's tomorrow at 06:00 UTC), New York's is the
      // busier: London's early afternoon falls in it too.
      assertThat(evidence.from()).isEqualTo(Instant.parse("2026-10-20T11:00:00Z"));

      // Enough vCPUs: the condition no longer holds and the finding resolves after resolveAfter (2) windows.
      vcpus.put(TARGET, OptionalDouble.of(64));
      for (int i = 1; i <= 2; i++) {
        poll(NIGHT.plus(Duration.ofHours(i)));
        assertThat(analyzer.evaluate(NIGHT.plus(Duration.ofHours(i))).forecastCpuRatios().get(TARGET)).isPresent();
      }
      assertThat(shared.openFindings()).noneMatch(x -> x.kind() == FindingKind.FORECAST);

      // Without vCPUs there is no ratio to export.
      vcpus.put(TARGET, OptionalDouble.empty());
      poll(NIGHT.plus(Duration.ofHours(3)));
      assertThat(analyzer.evaluate(NIGHT.plus(Duration.ofHours(3))).forecastCpuRatios())
          .containsEntry(TARGET, OptionalDouble.empty());
    }
  }
}
