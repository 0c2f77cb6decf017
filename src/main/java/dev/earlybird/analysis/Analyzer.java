package dev.earlybird.analysis;

import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.BaselineMode;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.AlertWrites;
import dev.earlybird.history.CandidateFilter;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.OutlierFilter;
import dev.earlybird.history.OutlierRow;
import dev.earlybird.history.StatementComparison;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Evaluates analysis windows over the whole fleet: reads each window and its baselines from the store (the
 * heavy lifting happens in the store's SQL, so memory is bounded by the candidates), detects, advances the
 * findings' lifecycle and writes the outcome through the single writer, atomically with the window's end.
 *
 * <p>Windows are aligned to multiples of {@code analysis.regression.window} since the epoch. One call of
 * {@link #evaluate} per window end; the stored watermark makes a restarted agent go on where it stopped,
 * without evaluating a window twice.
 */
public final class Analyzer {
  private final HistoryStore store;
  private final HistoryWriter writer;
  private final AnalysisConfig config;
  private final TenantsConfig tenants;
  private final Detector detector;
  private final Lifecycle lifecycle;
  private final AdviceRules advice;
  private final FindingAlerts alerts;
  /** Null: no morning forecast. */
  private final Forecaster forecaster;
  /** Null: no plan-based advice. */
  private final AdvisorBoard advisor;
  private OptionalLong watermarkUs;

  public Analyzer(
      HistoryStore store,
      HistoryWriter writer,
      AnalysisConfig config,
      TenantsConfig tenants) {
    this(store, writer, config, tenants, null, FindingAlerts.NONE);
  }

  /** @param forecaster forecasts each polled target's morning in every window; null for none */
  public Analyzer(
      HistoryStore store,
      HistoryWriter writer,
      AnalysisConfig config,
      TenantsConfig tenants,
      Forecaster forecaster) {
    this(store, writer, config, tenants, forecaster, FindingAlerts.NONE);
  }

  /**
   * @param forecaster forecasts each polled target's morning in every window; null for none
   * @param alerts the alerts the findings' changes raise, stored in the same transaction as the changes
   */
  public Analyzer(
      HistoryStore store,
      HistoryWriter writer,
      AnalysisConfig config,
      TenantsConfig tenants,
      Forecaster forecaster,
      FindingAlerts alerts) {
    this(store, writer, config, tenants, forecaster, alerts, null);
  }

  /**
   * @param advisor where the advisor leaves its judgements, folded into the findings at each window; null for none
   */
  public Analyzer(
      HistoryStore store,
      HistoryWriter writer,
      AnalysisConfig config,
      TenantsConfig tenants,
      Forecaster forecaster,
      FindingAlerts alerts,
      AdvisorBoard advisor) {
    this.advisor = advisor;
    this.forecaster = forecaster;
    this.alerts = alerts;
    this.store = store;
    this.writer = writer;
    this.config = config;
    this.tenants = tenants;
    this.detector = new Detector(config);
    this.lifecycle = new Lifecycle(config.regression().persistence(), config.regression().resolveAfter());
    this.advice = new AdviceRules(config.regression().minExtraPerHour());
  }

  /**
   * What one evaluation did.
   *
   * @param forecastCpuRatios per target forecast in this window: its morning CPU ratio, empty when it has none (no
   *     vCPUs, no history of those hours); targets not polled in the window are absent
   */
  public record Evaluation(Period window, int candidates, List<Finding> changed, int dropped, Duration took,
      Map<String, OptionalDouble> forecastCpuRatios) {}

  /** Consecutive windows a condition must hold before its finding is active. */
  public int persistence() {
    return Math.max(1, config.regression().persistence());
  }

  public Duration window() {
    return config.regression().window();
  }

  /**
   * The end of the latest complete window not evaluated yet, if any.
   *
   * @param settle how long after a window's end its last polls may still be landing
   */
  public Optional<Instant> due(Instant now, Duration settle) {
    if (watermarkUs == null) {
      watermarkUs = store.analysisWatermark();
    }
    long w = window().toMillis();
    long latest = Math.floorDiv(now.minus(settle).toEpochMilli(), w) * w;
    if (watermarkUs.isPresent() && latest * 1000 <= watermarkUs.getAsLong()) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochMilli(latest));
  }

  /**
   * Forgets the analysis watermark read from the store: another agent sharing the store may evaluate windows while
   * this one does not (it gave the fleet's duties up), so it reads the store's again before its next window.
   */
  public void forgetWatermark() {
    watermarkUs = null;
  }

  public Evaluation evaluate(Instant end) {
    long started = System.nanoTime();
    Period window = new Period(end.minus(window()), end);
    Set<String> polled = store.polledTargets(window);
    Map<String, Instant> firstPolls = store.firstPolls();
    List<Finding> open = store.openFindings();
    Set<String> targets = new HashSet<>(polled);
    open.forEach(f -> targets.add(f.target()));
    Map<String, Map<Long, String>> dbNames = new HashMap<>();
    for (String t : targets) {
      Map<Long, String> m = new HashMap<>();
      for (DatabaseInfo d : store.databases(t)) {
        m.put(d.oid(), d.name());
      }
      dbNames.put(t, m);
    }
    // Restarted in this window or the one before: caches are cold.
    Instant coldSince = window.from().minus(window());
    Set<String> warming = new HashSet<>();
    store.serverStarts().forEach((t, at) -> {
      if (at.isAfter(coldSince)) {
        warming.add(t);
      }
    });
    Names names = new Names(dbNames, tenants, warming);

    List<Detector.Compared> rows = new ArrayList<>();
    if (!polled.isEmpty()) {
      Map<BaselinePlan, Map<String, Set<Long>>> groups = groups(window, polled, dbNames, firstPolls);
      CandidateFilter filter = new CandidateFilter(config.hot().top(), config.regression().minCalls(),
          config.regression().minRatio(), config.regression().minExtraMsPerWindow());
      for (var g : groups.entrySet()) {
        BaselinePlan plan = g.getKey();
        Map<String, Set<Long>> scope = groups.size() == 1 ? Map.of() : g.getValue();
        for (StatementComparison r : store.compare(window, plan.periods(), scope, filter)) {
          if (scope.isEmpty() || scope.getOrDefault(r.target(), Set.of()).contains(r.dbId())) {
            rows.add(new Detector.Compared(r, plan.label(), covered(plan, Optional.ofNullable(firstPolls.get(r.target())))));
          }
        }
      }
    }
    List<OutlierRow> outliers = polled.isEmpty() ? List.of() : store.outliers(window,
        new OutlierFilter(config.regression().minCalls(), config.outlier().minDatabases(), config.outlier().minRatio(),
            config.regression().minExtraMsPerWindow()));
    Map<String, Evidence.Regression> frozen = new HashMap<>();
    for (Finding f : open) {
      if (f.evidence() instanceof Evidence.Regression r) {
        frozen.put(f.fingerprint(), r);
      }
    }
    Detector.Detection d = detector.detect(window, rows, outliers, names, frozen);
    Set<String> unknown = new HashSet<>(d.unknown());
    // A target that was not polled in the window tells nothing about its findings.
    open.stream().filter(f -> !polled.contains(f.target())).forEach(f -> unknown.add(f.fingerprint()));
    List<Observation> holds = new ArrayList<>(d.holds());
    holds.addAll(advice.observe(window, rows, names));
    Map<String, OptionalDouble> ratios = Map.of();
    if (forecaster != null) {
      Forecaster.Outcome forecasts = forecaster.observe(end, polled, open);
      holds.addAll(forecasts.holds());
      unknown.addAll(forecasts.unknown());
      ratios = forecasts.ratios();
    }
    if (advisor != null) {
      AdvisorBoard.Reading r = advisor.read(open, end);
      holds.addAll(r.holds());
      unknown.addAll(r.unknown());
    } else {
      // Without an advisor nothing judges its rules: their findings stay as they are.
      open.stream().filter(f -> f.evidence() instanceof Evidence.Advice a && AdvisorBoard.RULES.contains(a.rule()))
          .forEach(f -> unknown.add(f.fingerprint()));
    }
    Lifecycle.Changes changes = lifecycle.advance(open, holds, unknown, window);
    AlertWrites raised = alerts.of(open, changes.changed());
    try {
      writer.submit(s -> s.recordEvaluation(end, changes.changed(), changes.deletedIds(), raised)).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording findings", e);
    }
    watermarkUs = OptionalLong.of(end.toEpochMilli() * 1000);
    return new Evaluation(window, rows.size() + outliers.size(), changes.changed(), changes.deletedIds().size(),
        Duration.ofNanos(System.nanoTime() - started), ratios);
  }

  /** Active findings after the last evaluation, by (kind, severity, target). */
  public Map<List<String>, Long> activeCounts() {
    Map<List<String>, Long> out = new HashMap<>();
    for (Finding f : store.openFindings()) {
      if (f.state() == FindingState.ACTIVE) {
        out.merge(List.of(f.kind().label(), f.severity().yamlName(), f.target()), 1L, Long::sum);
      }
    }
    return out;
  }

  /** Databases grouped by the baseline plan they need: one plan unless tenants live in different zones. */
  private Map<BaselinePlan, Map<String, Set<Long>>> groups(
      Period window, Set<String> polled, Map<String, Map<Long, String>> dbNames, Map<String, Instant> firstPolls) {
    Map<BaselinePlan, Map<String, Set<Long>>> groups = new LinkedHashMap<>();
    for (String target : polled) {
      Optional<Instant> first = Optional.ofNullable(firstPolls.get(target));
      Map<Long, String> dbs = dbNames.getOrDefault(target, Map.of());
      if (config.baseline().mode() == BaselineMode.ROLLING || dbs.isEmpty()) {
        BaselinePlan plan = BaselinePlan.of(config.baseline(), window, tenants.defaults().timezone(), first, gap());
        groups.computeIfAbsent(plan, p -> new HashMap<>()).computeIfAbsent(target, t -> new HashSet<>()).addAll(dbs.keySet());
        continue;
      }
      for (var db : dbs.entrySet()) {
        ZoneId zone = tenants.settingsFor(tenants.tenantOf(db.getValue())).timezone();
        BaselinePlan plan = BaselinePlan.of(config.baseline(), window, zone, first, gap());
        groups.computeIfAbsent(plan, p -> new HashMap<>()).computeIfAbsent(target, t -> new HashSet<>()).add(db.getKey());
      }
    }
    return groups;
  }

  /**
   * The rolling baseline ends this long before the window, so that the windows of a streak are all compared
   * with a baseline from before the streak began (otherwise a change would be absorbed before it persists).
   */
  private Duration gap() {
    return window().multipliedBy(persistence() - 1);
  }

  /** "Absent from the baseline" means new only if the target was watched for enough of it. */
  static boolean covered(BaselinePlan plan, Optional<Instant> firstPoll) {
    if (firstPoll.isEmpty()) {
      return false;
    }
    Duration needed = plan.length().dividedBy(2);
    if (needed.compareTo(Duration.ofDays(1)) > 0) {
      needed = Duration.ofDays(1);
    }
    return plan.coveredSince(firstPoll).compareTo(needed) >= 0;
  }

  private record Names(
      Map<String, Map<Long, String>> dbNames,
      TenantsConfig tenants,
      Set<String> warming)
      implements Detector.Names {
    @Override
    public String database(String target, long dbId) {
      return dbNames.getOrDefault(target, Map.of()).get(dbId);
    }

    @Override
    public String tenant(String target, long dbId) {
      String db = database(target, dbId);
      return db == null ? null : tenants.tenantOf(db);
    }

    @Override
    public boolean warmingUp(String target) {
      return warming.contains(target);
    }
  }
}
