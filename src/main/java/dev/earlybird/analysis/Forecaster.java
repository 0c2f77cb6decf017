package dev.earlybird.analysis;

import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.ForecastConfig;
import dev.earlybird.config.TenantSettings;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.PeriodSums;
import dev.earlybird.history.StatementRef;
import dev.earlybird.history.Usage;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The morning CPU forecast of each target ({@link Forecast} has the arithmetic): for the next workday start of the
 * tenants on the target, the CPU its first {@code alerts.forecast.hours} are expected to take, over the target's
 * vCPUs.
 *
 * <p>Tenants in several zones on one target: each tenant's next workday start is a candidate span; every span is
 * forecast for the WHOLE target (each database's expected calls from the same local hours of past weeks in its own
 * tenant's zone, so a London tenant's lunch counts in a New York tenant's morning), and the forecast is the span
 * with the highest ratio (the earliest among equals). The server's capacity is shared, so a sum per span is what
 * its CPU will be; taking the worst span warns of the busiest morning, whichever tenant's it is.
 *
 * <p>Reads the store (hourly rollups); holds no state but which targets were already logged as lacking vCPUs.
 */
public final class Forecaster {
  private static final Logger log = LoggerFactory.getLogger(Forecaster.class);

  private final HistoryStore store;
  private final AnalysisConfig analysis;
  private final ForecastConfig config;
  private final TenantsConfig tenants;
  private final Function<String, OptionalDouble> vcpus;
  private final Set<String> toldNoVcpus = ConcurrentHashMap.newKeySet();

  /** @param vcpus a target's capacity: {@code targets[].vcpus}, or what RDS discovery knows of its instance class */
  public Forecaster(
      HistoryStore store,
      AnalysisConfig analysis,
      ForecastConfig config,
      TenantsConfig tenants,
      Function<String, OptionalDouble> vcpus) {
    this.store = store;
    this.analysis = analysis;
    this.config = config;
    this.tenants = tenants;
    this.vcpus = vcpus;
  }

  /**
   * The forecast of the target's next morning after {@code at} (the busiest of its tenants' next workday starts),
   * from the history up to the latest analysis window ending at or before {@code at}. Empty when the target has no
   * vCPUs configured, no tenant with workdays, or no history of those hours yet.
   */
  public Optional<Evidence.Forecast> forecast(String target, Instant at) {
    return forecast(target, at, openRegressions(store.openFindings(), target));
  }

  /** The forecast of the first hours after {@code from} (e.g. one tenant's workday start), as {@link #forecast}. */
  public Optional<Evidence.Forecast> forecastFrom(String target, Instant at, Instant from) {
    OptionalDouble cpus = capacity(target);
    if (cpus.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, String> dbs = databaseNames(target);
    return forecastSpan(target, latestWindow(at), span(from), cpus.getAsDouble(), dbs,
        openRegressions(store.openFindings(), target));
  }

  /** What one evaluation forecast: per target, its ratio (empty: none) and the findings' observations. */
  record Outcome(Map<String, OptionalDouble> ratios, List<Observation> holds, Set<String> unknown) {}

  /**
   * Forecasts each target as of a window's end: a ratio above {@code alerts.forecast.maxCpuRatio} holds a forecast
   * finding (warning; critical above 1). A target whose forecast lacks history leaves its finding as it is.
   */
  Outcome observe(Instant windowEnd, Set<String> targets, List<Finding> open) {
    Map<String, OptionalDouble> ratios = new LinkedHashMap<>();
    List<Observation> holds = new ArrayList<>();
    Set<String> unknown = new TreeSet<>();
    for (String target : new TreeSet<>(targets)) {
      Optional<Evidence.Forecast> f = forecast(target, windowEnd, openRegressions(open, target));
      ratios.put(target, f.map(x -> OptionalDouble.of(x.cpuRatio())).orElse(OptionalDouble.empty()));
      String fingerprint = fingerprint(target);
      if (f.isEmpty()) {
        if (capacity(target).isPresent()) {
          unknown.add(fingerprint);
        }
        continue;
      }
      Evidence.Forecast e = f.get();
      if (e.cpuRatio() > config.maxCpuRatio()) {
        Severity severity = e.cpuRatio() > 1.0 ? Severity.CRITICAL : Severity.WARNING;
        holds.add(new Observation(fingerprint, severity, new Subject.Target(target, tenantsOn(target)),
            summary(target, e), e));
      }
    }
    return new Outcome(ratios, holds, unknown);
  }

  static String fingerprint(String target) {
    return Fingerprints.of(FindingKind.FORECAST, target, 0, 0);
  }

  static String summary(String target, Evidence.Forecast e) {
    String s = String.format(Locale.ROOT, "%s forecast at %.0f%% of %s vCPUs from %s to %s", target,
        100 * e.cpuRatio(), vcpuText(e.vcpus()), e.from(), e.to());
    return e.regressionCpuRatio() > 0
        ? s + String.format(Locale.ROOT, " (open regressions add %.0f%%)", 100 * e.regressionCpuRatio())
        : s;
  }

  private static String vcpuText(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private Optional<Evidence.Forecast> forecast(String target, Instant at, Map<StatementRef, Evidence.Regression> open) {
    OptionalDouble cpus = capacity(target);
    if (cpus.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, String> dbs = databaseNames(target);
    Period latest = latestWindow(at);
    Optional<Evidence.Forecast> worst = Optional.empty();
    for (Instant start : nextStarts(dbs, at)) {
      Optional<Evidence.Forecast> f = forecastSpan(target, latest, span(start), cpus.getAsDouble(), dbs, open);
      if (f.isPresent() && (worst.isEmpty() || f.get().cpuRatio() > worst.get().cpuRatio())) {
        worst = f;
      }
    }
    return worst;
  }

  private Optional<Evidence.Forecast> forecastSpan(String target, Period latest, Period span, double cpus,
      Map<Long, String> dbs, Map<StatementRef, Evidence.Regression> open) {
    // Databases whose zones give the same past periods share one read (one read unless DST differs between zones).
    Map<List<Period>, List<ZoneId>> reads = new LinkedHashMap<>();
    Map<ZoneId, List<Period>> periodsOf = new HashMap<>();
    for (ZoneId zone : zones(dbs)) {
      List<Period> periods = new ArrayList<>(BaselinePlan.seasonal(analysis.baseline().lookback(), span, zone));
      periods.add(latest);
      periods.addAll(BaselinePlan.seasonal(analysis.baseline().lookback(), latest, zone));
      periodsOf.put(zone, periods);
      reads.computeIfAbsent(periods, p -> new ArrayList<>()).add(zone);
    }
    List<Forecast.Part> parts = new ArrayList<>();
    int weeks = Integer.MAX_VALUE;
    for (var read : reads.entrySet()) {
      PeriodSums sums = store.periodSums(target, read.getKey());
      int n = (read.getKey().size() - 1) / 2;
      double[] coverage = new double[n];
      int covered = 0;
      for (int w = 0; w < n; w++) {
        coverage[w] = sums.coverage(w);
        covered += coverage[w] > 0 ? 1 : 0;
      }
      if (covered == 0) {
        continue;
      }
      weeks = Math.min(weeks, covered);
      Set<ZoneId> zones = Set.copyOf(read.getValue());
      for (StatementRef ref : statementsIn(sums, n)) {
        String db = dbs.get(ref.dbId());
        if (!zones.contains(zoneOf(db))) {
          continue;
        }
        long[] calls = new long[n];
        Usage morning = null;
        for (int w = 0; w < n; w++) {
          Usage u = sums.byPeriod().get(w).get(ref);
          calls[w] = u == null ? 0 : u.calls();
          morning = coverage[w] > 0 ? plus(morning, u) : morning;
        }
        double expected = Forecast.expectedCalls(calls, coverage).orElse(0);
        if (expected <= 0) {
          continue;
        }
        Usage usual = null;
        for (int w = n + 1; w < 2 * n + 1; w++) {
          usual = plus(usual, sums.byPeriod().get(w).get(ref));
        }
        Optional<Evidence.Regression> regression = Optional.ofNullable(open.get(ref));
        Optional<Forecast.PerCall> perCall = Forecast.perCall(morning, sums.byPeriod().get(n).get(ref), usual,
            analysis.regression().minCalls(), regression);
        if (perCall.isPresent()) {
          parts.add(Forecast.part(ref.dbId(), db, tenants.tenantOf(db), ref.queryId(), expected, perCall.get(),
              regression));
        }
      }
    }
    if (weeks == Integer.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(Forecast.of(span, cpus, config.maxCpuRatio(), parts, weeks));
  }

  /** Statements that ran in the forecast hours of some past week (only they are expected in the morning). */
  private static Set<StatementRef> statementsIn(PeriodSums sums, int weeks) {
    Set<StatementRef> out = new java.util.LinkedHashSet<>();
    for (int w = 0; w < weeks; w++) {
      out.addAll(sums.byPeriod().get(w).keySet());
    }
    return out;
  }

  private static Usage plus(Usage a, Usage b) {
    return a == null || b == null ? (a == null ? b : a) : a.plus(b);
  }

  private OptionalDouble capacity(String target) {
    OptionalDouble v = vcpus.apply(target);
    if (v == null || v.isEmpty()) {
      if (toldNoVcpus.add(target)) {
        log.info("target {}: no morning CPU forecast without its capacity; set targets[].vcpus (the instance's vCPUs)",
            target);
      }
      return OptionalDouble.empty();
    }
    toldNoVcpus.remove(target);
    return v;
  }

  /** The latest analysis window ending at or before {@code at}. */
  private Period latestWindow(Instant at) {
    long w = analysis.regression().window().toMillis();
    Instant end = Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), w) * w);
    return new Period(end.minusMillis(w), end);
  }

  private Period span(Instant from) {
    return new Period(from, from.plus(Duration.ofHours(config.hours())));
  }

  private Map<Long, String> databaseNames(String target) {
    Map<Long, String> out = new HashMap<>();
    for (DatabaseInfo d : store.databases(target)) {
      out.put(d.oid(), d.name());
    }
    return out;
  }

  private List<String> tenantsOn(String target) {
    return databaseNames(target).values().stream().map(tenants::tenantOf).distinct().sorted().toList();
  }

  /** A database's zone: its tenant's; a database not known by name yet takes the defaults' zone. */
  private ZoneId zoneOf(String database) {
    return settingsOf(database).timezone();
  }

  private TenantSettings settingsOf(String database) {
    return database == null ? tenants.defaults() : tenants.settingsFor(tenants.tenantOf(database));
  }

  private Set<ZoneId> zones(Map<Long, String> dbs) {
    Set<ZoneId> out = new java.util.LinkedHashSet<>();
    out.add(tenants.defaults().timezone()); // statements of databases not known by name
    dbs.values().forEach(d -> out.add(zoneOf(d)));
    return out;
  }

  /** Each tenant's next workday start after {@code at}, distinct, earliest first. */
  private Set<Instant> nextStarts(Map<Long, String> dbs, Instant at) {
    Set<TenantSettings> settings = new java.util.LinkedHashSet<>();
    dbs.values().forEach(d -> settings.add(settingsOf(d)));
    if (settings.isEmpty()) {
      settings.add(tenants.defaults());
    }
    Set<Instant> out = new TreeSet<>();
    settings.forEach(s -> nextWorkdayStart(s, at).ifPresent(out::add));
    return out;
  }

  /** The first workday start strictly after {@code at} on a workday that is not a holiday, in the tenant's zone. */
  public static Optional<Instant> nextWorkdayStart(TenantSettings s, Instant at) {
    LocalDate date = at.atZone(s.timezone()).toLocalDate();
    // Each week has a workday, and each holiday removes at most one.
    for (int i = 0; i < 7 * (s.holidays().size() + 2) && !s.workdays().isEmpty(); i++, date = date.plusDays(1)) {
      Instant start = ZonedDateTime.of(date, s.workdayStart(), s.timezone()).toInstant();
      if (s.workdays().contains(date.getDayOfWeek()) && !s.holidays().contains(date) && start.isAfter(at)) {
        return Optional.of(start);
      }
    }
    return Optional.empty();
  }

  /** Active regressions of a target by statement: their cost is projected into the morning. */
  private static Map<StatementRef, Evidence.Regression> openRegressions(List<Finding> open, String target) {
    Map<StatementRef, Evidence.Regression> out = new HashMap<>();
    for (Finding f : open) {
      if (f.target().equals(target) && f.state() == FindingState.ACTIVE && f.evidence() instanceof Evidence.Regression r) {
        out.put(new StatementRef(target, f.dbId(), f.queryId()), r);
      }
    }
    return out;
  }
}
