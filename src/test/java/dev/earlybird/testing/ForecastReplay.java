package dev.earlybird.testing;

import dev.earlybird.analysis.CpuAttribution;
import dev.earlybird.analysis.Forecaster;
import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.ForecastConfig;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.PollRecord;
import dev.earlybird.history.Retention;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Period;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementInterval;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Replays weeks of one target's intervals through the real DuckDB store (rollups and retention as the agent's
 * maintenance runs them) on a simulated clock and, from {@code testFrom} on, forecasts each tenant's next morning
 * {@code leadTime} before it starts (as the morning review would), then compares the forecast with the CPU those
 * hours then took (summed from the replayed intervals themselves, by the same CPU attribution).
 */
public final class ForecastReplay {
  /** One forecast morning: what was forecast and what then happened. */
  public record Morning(Instant from, double forecastCpuSeconds, double actualCpuSeconds, double forecastMs) {
    /** Absolute error in % of the actual CPU. */
    public double errorPct() {
      return actualCpuSeconds > 0 ? 100 * Math.abs(forecastCpuSeconds - actualCpuSeconds) / actualCpuSeconds : 0;
    }
  }

  public record Result(List<Morning> mornings, int polls, long intervals) {
    public double medianErrorPct() {
      return median(mornings.stream().mapToDouble(Morning::errorPct).toArray());
    }

    public double worstErrorPct() {
      return mornings.stream().mapToDouble(Morning::errorPct).max().orElse(0);
    }

    public double medianForecastMs() {
      return median(mornings.stream().mapToDouble(Morning::forecastMs).toArray());
    }
  }

  /**
   * @param intervals what the target's statements did in {@code (from, to]}
   * @param outages periods without polls (the agent down); the next poll spans the gap
   * @param maintainEvery how often rollups and retention run (the agent: every few minutes; each run rolls up every
   *     complete hour, so a replay may run it less often to go faster)
   */
  public record Setup(
      String target,
      List<DatabaseInfo> databases,
      BiFunction<Instant, Instant, List<StatementInterval>> intervals,
      Duration poll,
      AnalysisConfig analysis,
      ForecastConfig forecast,
      TenantsConfig tenants,
      double vcpus,
      Duration leadTime,
      List<Period> outages,
      Duration maintainEvery) {}

  private ForecastReplay() {}

  public static Result run(Setup s, Path file, Instant historyFrom, Instant testFrom, Instant testTo) {
    AtomicReference<Instant> now = new AtomicReference<>(historyFrom);
    List<Morning> mornings = new ArrayList<>();
    // Forecasts waiting for their hours to pass: span -> forecast CPU, forecast time; and the CPU seen so far.
    Map<Period, double[]> pending = new HashMap<>();
    int polls = 0;
    long intervals = 0;
    try (var store = DuckDbHistoryStore.open(file, now::get)) {
      store.upsertDatabases(s.target(), s.databases());
      Forecaster forecaster = new Forecaster(store, s.analysis(), s.forecast(), s.tenants(),
          t -> OptionalDouble.of(s.vcpus()));
      Set<TenantSettings> settings = new LinkedHashSet<>();
      s.databases().forEach(d -> settings.add(s.tenants().settingsFor(s.tenants().tenantOf(d.name()))));
      Set<Instant> forecast = new java.util.HashSet<>();
      Instant last = historyFrom;
      for (Instant t = historyFrom.plus(s.poll()); !t.isAfter(testTo); t = t.plus(s.poll())) {
        now.set(t);
        Instant at = t;
        if (s.outages().stream().anyMatch(o -> at.isAfter(o.from()) && !at.isAfter(o.to()))) {
          continue;
        }
        List<StatementInterval> batch = s.intervals().apply(last, t);
        last = t;
        store.recordPoll(PollRecord.success(
            new Snapshot(s.target(), t, Optional.empty(), OptionalLong.empty(), Map.of()), batch));
        polls++;
        intervals += batch.size();
        for (StatementInterval i : batch) {
          double cpuS = CpuAttribution.of(i, false).ms() / 1000;
          pending.forEach((span, v) -> {
            if (i.end().isAfter(span.from()) && !i.end().isAfter(span.to())) {
              v[2] += cpuS;
            }
          });
        }
        long every = s.maintainEvery().toSeconds();
        if (t.getEpochSecond() / every > t.minus(s.poll()).getEpochSecond() / every) {
          store.maintain(t, Retention.DEFAULT);
        }
        if (!t.isBefore(testFrom)) {
          for (TenantSettings ts : settings) {
            Optional<Instant> start = Forecaster.nextWorkdayStart(ts, t);
            // The first poll at or after the review time (workday start minus the lead time).
            if (start.isPresent() && !t.isBefore(start.get().minus(s.leadTime())) && forecast.add(start.get())) {
              long began = System.nanoTime();
              Optional<Evidence.Forecast> f = forecaster.forecastFrom(s.target(), t, start.get());
              double ms = (System.nanoTime() - began) / 1e6;
              f.ifPresent(x -> pending.putIfAbsent(new Period(x.from(), x.to()),
                  new double[] {x.expectedCpuSeconds(), ms, 0}));
            }
          }
        }
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (!t.isBefore(e.getKey().to())) {
            double[] v = e.getValue();
            mornings.add(new Morning(e.getKey().from(), v[0], v[2], v[1]));
            it.remove();
          }
        }
      }
    }
    mornings.sort(java.util.Comparator.comparing(Morning::from));
    return new Result(mornings, polls, intervals);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
