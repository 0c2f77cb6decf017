package dev.earlybird.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Every Earlybird metric, with bounded label sets. Pollers report what they saw; {@link #scrape(String)} only
 * formats what is in memory.
 *
 * <p>Series of a database that disappeared, or of a target that has been failing for a while, are removed
 * rather than frozen, so Prometheus marks them stale instead of showing the last value forever.
 */
public final class AgentMetrics {
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, TargetMeters> targets = new ConcurrentHashMap<>();
  private final Map<DatabaseLabels, DatabaseMeters> databases = new ConcurrentHashMap<>();
  private final Timer storeWrites;
  private final AtomicLong storeSizeBytes = new AtomicLong();

  private final StatementSeries statements;
  private final AtomicLong reloadSuccessful = new AtomicLong(1);
  private final AtomicReference<Instant> reloadSucceededAt = new AtomicReference<>();
  private BooleanSupplier storeUp;
  private LongSupplier storeErrors;

  public AgentMetrics(String version) {
    this(version, dev.earlybird.config.MetricsConfig.DEFAULT);
  }

  /** With {@code config}'s per-statement series (none by default). */
  public AgentMetrics(String version, dev.earlybird.config.MetricsConfig config) {
    Gauge.builder("earlybird.build.info", () -> 1)
        .description("Earlybird build; value is always 1")
        .tags("version", version, "java", Runtime.version().toString())
        .register(registry);
    storeWrites =
        Timer.builder("earlybird.store.write.duration")
            .description("Time to write one poll into the history store")
            .serviceLevelObjectives(ms(5), ms(20), ms(50), ms(100), ms(250), ms(1000), ms(5000))
            .register(registry);
    Gauge.builder("earlybird.store.size", storeSizeBytes, AtomicLong::get)
        .description("Size of the history store file")
        .baseUnit("bytes")
        .register(registry);
    statements = new StatementSeries(this, config.statementsTop(), config.statementsMaxSeries());
    // Prometheus' own names for the same thing, so the same alert rule fits both.
    Gauge.builder("earlybird.config.last.reload.successful", reloadSuccessful, AtomicLong::get)
        .description("1 if the last config load (start or reload) worked, 0 if the agent runs on an older config")
        .register(registry);
    Gauge.builder("earlybird.config.last.reload.success.timestamp.seconds", reloadSucceededAt,
            r -> r.get() == null ? Double.NaN : r.get().toEpochMilli() / 1000.0)
        .description("Unix time of the last config load (start or reload) that worked")
        .register(registry);
  }

  /** The config was loaded (at start or by a reload) and is in use, or a reload failed and the old one stays. */
  public void configLoaded(boolean ok, Instant at) {
    reloadSuccessful.set(ok ? 1 : 0);
    if (ok) {
      reloadSucceededAt.set(at);
    }
  }

  /** A config reload changed {@code metrics:}: the per-statement series follow the new limits. */
  public void metricsConfig(dev.earlybird.config.MetricsConfig config) {
    statements.resize(config.statementsTop(), config.statementsMaxSeries());
  }

  /** Feeds one poll's statements to the opt-in per-statement series (a no-op unless enabled). */
  public void statementActivity(String target, List<StatementSeries.Activity> poll) {
    statements.record(target, poll);
  }

  public boolean statementSeriesEnabled() {
    return statements.enabled();
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  /** Registers a target's series up front, so a target that never comes up still shows {@code up 0}. */
  public void registerTarget(String target) {
    meters(target);
  }

  /**
   * Registers a target's series up front, with its error counters at 0 for every {@code reason} of {@code source}
   * and its active findings at 0 for every kind and severity: {@code rate()} and {@code increase()} need a series
   * before its first increment, or the first error and the first finding are invisible to them and to alert rules.
   */
  public void registerTarget(String target, String source, List<String> reasons) {
    meters(target);
    reasons.forEach(reason -> errors(target, source, reason, 0));
    Map<FindingLabels, Long> none = new java.util.HashMap<>();
    for (var kind : dev.earlybird.model.FindingKind.values()) {
      for (var severity : dev.earlybird.model.Severity.values()) {
        none.put(new FindingLabels(kind.label(), severity.yamlName(), target), 0L);
      }
    }
    none.keySet().forEach(l -> findingsActive.computeIfAbsent(l, this::findingGauge));
  }

  /**
   * Entries of the target's last snapshot hidden from the role (other roles' statements without
   * {@code pg_read_all_stats}), and what they did since the previous poll (a lower bound).
   */
  public void hiddenEntries(String target, int entries, long calls, double execSeconds) {
    TargetMeters m = meters(target);
    m.hidden.set(entries);
    m.hiddenCalls.increment(calls);
    m.hiddenExecSeconds.increment(execSeconds);
  }

  /** The target's name led to another server; its counters started afresh. */
  public void serverChanged(String target) {
    meters(target).serverChanges.increment();
  }

  /** The target's server clock was found behind its previous read. */
  public void clockWentBack(String target) {
    meters(target).clockSteps.increment();
  }

  public void pollSucceeded(
      String target, String source, Duration took, Instant at, int statements, long deallocated, boolean reset) {
    TargetMeters m = meters(target);
    m.up.set(1);
    m.lastSuccess.set(at);
    m.statements.set(statements);
    m.pollDuration(source).record(took);
    if (deallocated > 0) {
      m.deallocated.increment(deallocated);
    }
    if (reset) {
      m.resets.increment();
    }
  }

  /**
   * Whether the target's server has {@code track_io_timing} on (1) or off (0), as the poller last read it. The
   * series appears with the first successful poll and leaves with the target's details ({@link
   * #forgetTargetDetails}), so a target never reached, or down for a while, has no value rather than a false
   * "off".
   */
  public void trackIoTiming(String target, boolean on) {
    meters(target).trackIoTiming(on);
  }

  /** {@code reason} is one of a small fixed set (connect, dns, auth, timeout, ...), never free text. */
  public void pollFailed(String target, String source, String reason, Duration took) {
    TargetMeters m = meters(target);
    m.up.set(0);
    m.pollDuration(source).record(took);
    errors(target, source, reason, 1);
  }

  /**
   * The target answered but the history store could not write the poll: counted under reason {@code store}, and
   * the target stays up. A failing store is the store's state ({@link #storeHealth}), not the target's.
   */
  public void pollNotStored(String target, String source, Duration took) {
    TargetMeters m = meters(target);
    m.up.set(1);
    m.pollDuration(source).record(took);
    errors(target, source, "store", 1);
  }

  /** Publishes whether the history store writes and its failed writes, as the store's writes found (no query). */
  public void storeHealth(BooleanSupplier up, LongSupplier errors) {
    // Micrometer holds a gauge's object weakly: the suppliers are kept here, or the series would turn NaN.
    storeUp = up;
    storeErrors = errors;
    Gauge.builder("earlybird.store.up", this, m -> m.storeUp.getAsBoolean() ? 1 : 0)
        .description("1 if the history store writes, 0 while its writes fail (a full disk, say)")
        .register(registry);
    FunctionCounter.builder("earlybird.store.errors", this, m -> m.storeErrors.getAsLong())
        .description("Writes to the history store that failed and were rolled back")
        .register(registry);
  }

  /**
   * A read from a side source (Performance Insights, CloudWatch) worked. It says nothing about the database
   * itself, so {@code earlybird_target_up} is left alone.
   */
  public void sourceSucceeded(String target, String source, Duration took) {
    meters(target).pollDuration(source).record(took);
  }

  /**
   * A read from a side source failed. Counted under its reason; {@code earlybird_target_up} is left alone: AWS
   * throttling or a missing IAM permission does not mean the database is down.
   */
  public void sourceFailed(String target, String source, String reason, Duration took) {
    meters(target).pollDuration(source).record(took);
    errors(target, source, reason, 1);
  }

  /** Throttled AWS attempts (the SDK retried them; each counts, even when a retry then worked). */
  public void throttled(String target, String source, int attempts) {
    if (attempts > 0) {
      errors(target, source, "throttled", attempts);
    }
  }

  private void errors(String target, String source, String reason, int n) {
    Counter.builder("earlybird.poll.errors")
        .description("Failed polls by source and reason")
        .tags("target", target, "source", source, "reason", reason)
        .register(registry)
        .increment(n);
  }

  /** The registry, for the meter groups of this package that register their own series. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  public void pollSkipped(String target) {
    meters(target).skipped.increment();
  }

  public void textsFetched(String target, int texts) {
    meters(target).textFetches.increment();
    meters(target).texts.increment(texts);
  }

  /** Adds one poll's activity of one database (top-level statements only, to avoid double counting). */
  public void databaseActivity(DatabaseLabels labels, DatabaseActivity activity) {
    DatabaseMeters m = databases.computeIfAbsent(labels, this::databaseMeters);
    m.calls.increment(activity.calls());
    m.execSeconds.increment(activity.execSeconds());
    activity.cpuSecondsBySource().forEach((source, seconds) -> m.cpuSeconds()
        .computeIfAbsent(source, s -> counter("earlybird.database.cpu.seconds",
            "CPU time of top-level statements, by the layer it came from (cpu_source: pg_stat_kcache, "
                + "exec_minus_io, exec_time); sum over cpu_source for the total",
            null, m.tags().and("cpu_source", s)))
        .increment(seconds));
    m.rows.increment(activity.rows());
    m.tempBytes.increment(activity.tempBytes());
  }

  /** Drops the series of databases of {@code target} that are no longer in {@code current}. */
  public void retainDatabases(String target, Set<String> current) {
    for (DatabaseLabels l : List.copyOf(databases.keySet())) {
      if (l.target().equals(target) && !current.contains(l.database())) {
        removeDatabase(l);
      }
    }
  }

  /**
   * Drops every per-database and per-statement series, whose {@code tenant} label a config reload may have changed;
   * the next poll of each target registers them again under the new labels (counters start again, as Prometheus
   * expects of a new series).
   */
  public void tenantsChanged() {
    List.copyOf(databases.keySet()).forEach(this::removeDatabase);
    targets.keySet().forEach(statements::forget);
  }

  /**
   * Drops the per-database and statement-count series of a target that has been failing longer than the
   * staleness window; {@code earlybird_target_up} stays (at 0) so alerts can fire on it.
   */
  public void forgetTargetDetails(String target) {
    retainDatabases(target, Set.of());
    statements.forget(target);
    TargetMeters m = targets.get(target);
    if (m != null) {
      m.statements.set(0);
      m.forgetTrackIoTiming();
    }
  }

  /**
   * Drops every series of a target that is no longer polled (discovery found its instance gone), so Prometheus marks
   * them stale at once instead of showing the last values: the target's own, its databases', its poll errors' and
   * its active findings'. Call it after the target's poller has stopped, or a last poll would bring some back.
   */
  public void removeTarget(String target) {
    removePolling(target);
    findingsActive.keySet().removeIf(l -> l.target().equals(target));
    forecastRatios.remove(target);
    for (Meter m : List.copyOf(registry.getMeters())) {
      if (target.equals(m.getId().getTag("target"))) {
        registry.remove(m);
      }
    }
  }

  /**
   * Removes what polling a target exports, for a target another replica polls now; its findings and forecast stay
   * (the replica holding shard 0 evaluates the whole fleet and exports them).
   */
  public void removePolling(String target) {
    statements.forget(target);
    targets.remove(target);
    databases.keySet().removeIf(l -> l.target().equals(target));
    for (Meter m : List.copyOf(registry.getMeters())) {
      String name = m.getId().getName();
      if (target.equals(m.getId().getTag("target")) && !name.startsWith("earlybird.findings")
          && !name.startsWith("earlybird.forecast")) {
        registry.remove(m);
      }
    }
  }

  /** Per target, the bits of its latest morning CPU forecast ratio (a double in an AtomicLong). */
  private final Map<String, AtomicLong> forecastRatios = new ConcurrentHashMap<>();

  /**
   * Sets {@code earlybird_forecast_cpu_ratio{target}} of the targets forecast in an evaluation; a target without a
   * forecast (no vCPUs, no history) loses its series, so an alert on it does not go on with an old value. Targets
   * not in the map (not polled in the window) keep theirs.
   */
  public void forecastCpuRatios(Map<String, java.util.OptionalDouble> ratios) {
    ratios.forEach((target, ratio) -> {
      if (ratio.isPresent()) {
        forecastRatios.computeIfAbsent(target, this::forecastGauge).set(Double.doubleToLongBits(ratio.getAsDouble()));
      } else if (forecastRatios.remove(target) != null) {
        Meter g = registry.find("earlybird.forecast.cpu").tag("target", target).gauge();
        if (g != null) {
          registry.remove(g);
        }
      }
    });
  }

  private AtomicLong forecastGauge(String target) {
    AtomicLong bits = new AtomicLong();
    Gauge.builder("earlybird.forecast.cpu", bits, b -> Double.longBitsToDouble(b.get()))
        .description("Expected CPU of the first hours of the tenants' next workday over the target's vCPUs (1 = all busy)")
        .baseUnit("ratio")
        .tag("target", target)
        .register(registry);
    return bits;
  }

  /** Labels of {@code earlybird_findings_active}: kind and severity are small fixed sets. */
  public record FindingLabels(String kind, String severity, String target) {}

  private final Map<FindingLabels, AtomicLong> findingsActive = new ConcurrentHashMap<>();
  private final Counter.Builder evaluations =
      Counter.builder("earlybird.analysis.evaluations").description("Analysis windows evaluated");

  /**
   * Sets the active findings per kind, severity and target after an evaluation. A label set that has no
   * findings any more is set to 0 (not removed): alert rules can tell "none" from "not evaluated".
   */
  public void findingsActive(Map<FindingLabels, Long> counts, Duration took) {
    for (var e : counts.entrySet()) {
      findingsActive.computeIfAbsent(e.getKey(), this::findingGauge).set(e.getValue());
    }
    findingsActive.forEach((labels, v) -> {
      if (!counts.containsKey(labels)) {
        v.set(0);
      }
    });
    evaluations.register(registry).increment();
    analysisDuration.record(took);
  }

  /**
   * Drops the findings and forecast series: another replica sharing the store evaluates the fleet now, and exports
   * them; two replicas exporting them, one with old values, would double an alert's count.
   */
  public void stopEvaluating() {
    findingsActive.clear();
    forecastRatios.clear();
    for (Meter m : List.copyOf(registry.getMeters())) {
      String name = m.getId().getName();
      if (name.equals("earlybird.findings.active") || name.equals("earlybird.forecast.cpu")) {
        registry.remove(m);
      }
    }
  }

  private AtomicLong findingGauge(FindingLabels l) {
    AtomicLong v = new AtomicLong();
    Gauge.builder("earlybird.findings.active", v, AtomicLong::get)
        .description("Active findings by kind, severity and target")
        .tags("kind", l.kind(), "severity", l.severity(), "target", l.target())
        .register(registry);
    return v;
  }

  private final Timer analysisDuration =
      Timer.builder("earlybird.analysis.duration")
          .description("Time to evaluate one analysis window over the whole fleet")
          .serviceLevelObjectives(ms(100), ms(500), ms(1000), ms(5000), ms(15000), ms(60000))
          .register(registry);

  public void storeWrite(Duration took, long sizeBytes) {
    storeWrites.record(took);
    storeSizeBytes.set(sizeBytes);
  }

  /**
   * Formats all metrics. OpenMetrics when the scraper accepts it (Prometheus does), else the classic text
   * format.
   */
  public Scrape scrape(String acceptHeader) {
    String type = acceptHeader != null && acceptHeader.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
    return new Scrape(type, registry.scrape(type));
  }

  public record Scrape(String contentType, String body) {}

  private TargetMeters meters(String target) {
    return targets.computeIfAbsent(target, t -> new TargetMeters(t, registry));
  }

  private DatabaseMeters databaseMeters(DatabaseLabels l) {
    Tags tags = Tags.of("target", l.target(), "database", l.database(), "tenant", l.tenant());
    return new DatabaseMeters(
        tags,
        counter("earlybird.database.calls", "Calls of top-level statements", null, tags),
        counter("earlybird.database.exec.seconds", "Execution time of top-level statements", null, tags),
        new ConcurrentHashMap<>(),
        counter("earlybird.database.rows", "Rows returned or affected by top-level statements", null, tags),
        counter("earlybird.database.temp", "Temporary file bytes written by top-level statements", "bytes", tags));
  }

  private Counter counter(String name, String help, String unit, Tags tags) {
    return Counter.builder(name).description(help).baseUnit(unit).tags(tags).register(registry);
  }

  private void removeDatabase(DatabaseLabels l) {
    DatabaseMeters m = databases.remove(l);
    if (m != null) {
      for (Meter meter : m.all()) {
        registry.remove(meter);
      }
    }
  }

  /** Labels of the per-database series. */
  public record DatabaseLabels(String target, String database, String tenant) {}

  /**
   * One poll's activity of one database; all values non-negative.
   *
   * @param cpuSecondsBySource CPU time by the attribution layer each statement's figure came from
   */
  public record DatabaseActivity(
      long calls, double execSeconds, Map<String, Double> cpuSecondsBySource, long rows, long tempBytes) {
    public DatabaseActivity {
      cpuSecondsBySource = Map.copyOf(cpuSecondsBySource);
    }

    public double cpuSeconds() {
      return cpuSecondsBySource.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  private record DatabaseMeters(Tags tags, Counter calls, Counter execSeconds, Map<String, Counter> cpuSeconds,
      Counter rows, Counter tempBytes) {
    List<Meter> all() {
      List<Meter> out = new java.util.ArrayList<>(List.of(calls, execSeconds, rows, tempBytes));
      out.addAll(cpuSeconds.values());
      return out;
    }
  }

  /** Per-target self-metrics. */
  private static final class TargetMeters {
    final String target;
    final PrometheusMeterRegistry registry;
    final AtomicLong up = new AtomicLong();
    final AtomicLong statements = new AtomicLong();
    final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    final Counter deallocated;
    final Counter resets;
    final Counter skipped;
    final Counter textFetches;
    final Counter texts;
    final Map<String, Timer> durations = new ConcurrentHashMap<>();
    final AtomicLong trackIoTiming = new AtomicLong();
    private Gauge trackIoTimingGauge;
    final AtomicLong hidden = new AtomicLong();
    final Counter hiddenCalls;
    final Counter hiddenExecSeconds;
    final Counter serverChanges;
    final Counter clockSteps;

    TargetMeters(String target, PrometheusMeterRegistry registry) {
      this.target = target;
      this.registry = registry;
      Gauge.builder("earlybird.target.up", up, AtomicLong::get)
          .description("1 if the last poll of the target worked, else 0")
          .tag("target", target)
          .register(registry);
      Gauge.builder(
              "earlybird.target.last.success.timestamp.seconds",
              lastSuccess,
              r -> r.get() == null ? Double.NaN : r.get().toEpochMilli() / 1000.0)
          .description("Unix time of the last successful poll of the target")
          .tag("target", target)
          .register(registry);
      Gauge.builder("earlybird.statements", statements, AtomicLong::get)
          .description("pg_stat_statements entries in the target's last snapshot")
          .tag("target", target)
          .register(registry);
      deallocated = counter("earlybird.statements.deallocated", "Entries pg_stat_statements evicted (raise pg_stat_statements.max if this grows)");
      resets = counter("earlybird.statements.resets", "Detected resets of pg_stat_statements");
      skipped = counter("earlybird.poll.skipped", "Polls skipped because the previous one overran the interval");
      textFetches = counter("earlybird.text.fetches", "Reads of query texts (the expensive part of pg_stat_statements)");
      texts = counter("earlybird.texts.fetched", "Query texts fetched and stored");
      Gauge.builder("earlybird.statements.hidden", hidden, AtomicLong::get)
          .description("Entries of the last snapshot hidden from the agent's role: other roles' statements, "
              + "without pg_read_all_stats (0 when complete)")
          .tag("target", target)
          .register(registry);
      hiddenCalls = counter("earlybird.hidden.calls",
          "Calls of hidden entries (other roles' statements; grant pg_read_all_stats), a lower bound");
      hiddenExecSeconds = Counter.builder("earlybird.hidden.exec.seconds")
          .description("Execution time of hidden entries (other roles' statements), a lower bound")
          .tag("target", target)
          .register(registry);
      serverChanges = counter("earlybird.target.server.changes",
          "Times the target's name led to another server (failover): counters started afresh");
      clockSteps = counter("earlybird.target.clock.steps.back",
          "Polls that found the target server's clock behind its previous read");
    }

    synchronized void trackIoTiming(boolean on) {
      trackIoTiming.set(on ? 1 : 0);
      if (trackIoTimingGauge == null) {
        trackIoTimingGauge =
            Gauge.builder("earlybird.target.track.io.timing", trackIoTiming, AtomicLong::get)
                .description("1 if the target's server has track_io_timing on (CPU = exec minus IO time), 0 if off")
                .tag("target", target)
                .register(registry);
      }
    }

    synchronized void forgetTrackIoTiming() {
      if (trackIoTimingGauge != null) {
        registry.remove(trackIoTimingGauge);
        trackIoTimingGauge = null;
      }
    }

    private Counter counter(String name, String help) {
      return Counter.builder(name).description(help).tag("target", target).register(registry);
    }

    Timer pollDuration(String source) {
      return durations.computeIfAbsent(
          source,
          s ->
              Timer.builder("earlybird.poll.duration")
                  .description("Wall time of one poll of a target, by source")
                  .tags("target", target, "source", s)
                  .serviceLevelObjectives(
                      ms(10), ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500), ms(5000), ms(10000), ms(30000))
                  .register(registry));
    }
  }
}
