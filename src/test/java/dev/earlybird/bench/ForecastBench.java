package dev.earlybird.bench;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.model.Period;
import dev.earlybird.testing.ForecastReplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How well the morning CPU forecast predicts what then happens. No PostgreSQL: the detection replay's synthetic
 * fleet ({@link SyntheticFleet}: 20 tenants in New York and London, busy weekday mornings, quiet nights and weekends,
 * day-to-day drift, per-call cost that follows the clock, injected regressions, a surge day, a holiday, a 3-hour
 * agent outage) goes poll by poll through the real DuckDB store on a simulated clock ({@link ForecastReplay}); after
 * four weeks of history, each tenant group's weekday morning is forecast 90 minutes before it starts, from the
 * store as it is then, and compared with the CPU those three hours then took.
 *
 * <p>Run with {@code ./mvnw -B -Pbench verify -Dbench=ForecastBench}. Results: {@code
 * target/bench/forecast-<stamp>.md}, also printed. Goal: median absolute error at most 15% of the actual morning CPU
 * (MET/MISS; a MISS does not fail the build). Settings: {@code bench.replayWeeks} (6: four of history, two
 * forecast), {@code bench.outputDir}.
 */
public class ForecastBench {
  static final double GOAL_PCT = 15;

  @Test
  void measure() throws Exception {
    int weeks = DetectionBench.intProp("bench.replayWeeks", 6, 5, 12);
    Path outDir = BenchOutput.directory();
    String stamp = BenchOutput.stamp();
    AgentConfig config = ConfigLoader.parse(ReplayDetection.config("{ mode: seasonal, lookback: 28d }"),
        "forecast bench config", outDir, n -> null);
    var fleet = new SyntheticFleet();
    var setup = new ForecastReplay.Setup(SyntheticFleet.TARGET, fleet.databases(), fleet::intervals,
        SyntheticFleet.POLL, config.analysis(), config.alerts().forecast(), config.tenants(), 8,
        Duration.ofMinutes(90), List.of(new Period(SyntheticFleet.OUTAGE_FROM, SyntheticFleet.OUTAGE_TO)),
        Duration.ofHours(1));
    Instant from = ReplayDetection.HISTORY_FROM;
    Instant testFrom = ReplayDetection.TEST_FROM;
    Instant testTo = from.plus(Duration.ofDays(7L * weeks));
    Path file = outDir.resolve("forecast-" + stamp + ".duckdb");
    long started = System.nanoTime();
    ForecastReplay.Result r;
    try {
      r = ForecastReplay.run(setup, file, from, testFrom, testTo);
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
    }
    double minutes = (System.nanoTime() - started) / 6e10;

    var b = new StringBuilder();
    BenchOutput.line(b, "# Earlybird forecast bench, %s", Instant.now());
    b.append('\n');
    BenchOutput.line(b, "JDK %s, %s %s, %d cores; took %.1f min.", Runtime.version(), System.getProperty("os.name"),
        System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), minutes);
    b.append('\n');
    BenchOutput.line(b, "- fleet: %d tenant databases x %d statements on one target, New York and London, 5-minute "
        + "polls (%d polls, %d intervals)", SyntheticFleet.DATABASES, SyntheticFleet.STATEMENTS, r.polls(),
        r.intervals());
    BenchOutput.line(b, "- history: %s to %s; forecasts from %s to %s (UK DST change 2026-10-25, US 2026-11-01)",
        from, testFrom, testFrom, testTo);
    BenchOutput.line(b, "- forecast: alerts.forecast.hours %d from workdayStart 07:00, made 90 min before, seasonal "
        + "lookback 28 d, 1 h analysis windows", config.alerts().forecast().hours());
    b.append('\n');
    b.append("| morning (UTC) | weekday | forecast CPU s | actual CPU s | error % | forecast ms |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (ForecastReplay.Morning m : r.mornings()) {
      BenchOutput.line(b, "| %s | %s | %.0f | %.0f | %.1f | %.0f |", m.from(),
          m.from().atZone(ZoneOffset.UTC).getDayOfWeek().toString().substring(0, 3), m.forecastCpuSeconds(),
          m.actualCpuSeconds(), m.errorPct(), m.forecastMs());
    }
    b.append('\n');
    BenchOutput.line(b, "Mornings forecast: %d. Median absolute error %.1f%%, worst %.1f%% of the actual morning CPU; "
        + "median forecast time %.0f ms.", r.mornings().size(), r.medianErrorPct(), r.worstErrorPct(),
        r.medianForecastMs());
    BenchOutput.line(b, "Goal: median error <= %.0f%%: **%s**", GOAL_PCT,
        !r.mornings().isEmpty() && r.medianErrorPct() <= GOAL_PCT ? "MET" : "MISS");
    Path out = outDir.resolve("forecast-" + stamp + ".md");
    Files.writeString(out, b.toString());
    System.out.println(b);
    System.out.printf(Locale.ROOT, "[forecast-bench] wrote %s%n", out);
  }
}
