package dev.earlybird.schedule;

import dev.earlybird.analysis.AdvisorBoard;
import dev.earlybird.analysis.AdvisorBoard.Scope;
import dev.earlybird.analysis.AppliedCheck;
import dev.earlybird.analysis.FleetDrift;
import dev.earlybird.analysis.IndexApplied;
import dev.earlybird.analysis.IndexCandidate;
import dev.earlybird.analysis.IndexCandidates;
import dev.earlybird.analysis.MissingIndexRule;
import dev.earlybird.analysis.Observation;
import dev.earlybird.analysis.PlanShape;
import dev.earlybird.analysis.SettingsRules;
import dev.earlybird.analysis.StaleStatistics;
import dev.earlybird.analysis.TempTableChurn;
import dev.earlybird.config.AdvisorConfig;
import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.Durations;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.AdvisorStore;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HotQueryFilter;
import dev.earlybird.history.PlanAttempt;
import dev.earlybird.history.StatementRef;
import dev.earlybird.metrics.AdvisorMetrics;
import dev.earlybird.history.Usage;
import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingKind;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import dev.earlybird.model.PlanCapture;
import dev.earlybird.model.ServerSettings;
import dev.earlybird.model.StatementText;
import dev.earlybird.model.Subject;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.postgres.AdvisorConnections;
import dev.earlybird.source.postgres.Catalogs;
import dev.earlybird.source.postgres.GenericPlans;
import dev.earlybird.source.postgres.HypotheticalIndexes;
import dev.earlybird.source.postgres.HypotheticalOutcome;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.Settings;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the tuning advisor over the fleet, leaving its judgements on the {@link AdvisorBoard}:
 *
 * <ol>
 *   <li>per target (those with the advisor on, polled at least once): the server's settings, and the catalogs of the
 *       databases it is about to plan in plus a few others in turn (the fleet drift compares every database), each
 *       re-read after {@code advisor.catalogRefresh};
 *   <li>fleet index drift over every stored catalog;
 *   <li>per target, at most {@code advisor.maxPlansPerTarget} statements: the regressed, new, outlier and hot ones
 *       (in that order) and those with open index advice. Advice whose index now exists is judged applied, with the
 *       statement's calls before and after; the others are planned (at most every {@code advisor.replanAfter}, at
 *       once after a regression) and get the missing-index and stale-statistics rules;
 *   <li>temporary-table churn, from the statements that create temporary tables and their databases' catalogs.
 * </ol>
 *
 * A target that fails (cannot connect, times out) is logged and skipped; the others go on. Nothing here writes to a
 * monitored database: sessions are read-only, and HypoPG's hypothetical indexes are dropped in the transaction that
 * made them.
 */
public final class AdvisorPass implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdvisorPass.class);
  /** Databases whose catalog is read per target and pass for the fleet comparison, beyond those being planned. */
  static final int CATALOGS_PER_PASS = 25;
  /** Candidate indexes tried with HypoPG per statement. */
  static final int MAX_HYPOTHETICAL = 3;
  /** A sequential scan of fewer rows than this is cheap enough: no index advice. */
  static final long MIN_SCAN_ROWS = 10_000;
  static final int MAX_RELATIONS = 5_000;
  static final int MAX_INDEXES = 10_000;
  /** How long an applied advice keeps being compared (and shown as applied) once its verdict is in. */
  static final Duration VERIFY_FOR = Duration.ofDays(7);
  /** How far back the "before" side of an applied advice reaches. */
  static final Duration BEFORE_SPAN = Duration.ofDays(1);

  private final HistoryStore store;
  private final AdvisorStore advisorStore;
  private final AdvisorBoard board;
  private final Supplier<List<TargetConfig>> targets;
  private final Function<TargetConfig, AdvisorConnections> connect;
  private final AdvisorConfig config;
  private final AnalysisConfig analysis;
  private final TenantsConfig tenants;
  private final InstantSource clock;
  private final AdvisorMetrics metrics;
  private final GenericPlans plans;
  private final HypotheticalIndexes hypothetical;
  /** One pool per target, made on first use; a target whose config changed gets a new one at the next reload. */
  private final Map<String, AdvisorConnections> pools = new HashMap<>();
  /** Per target, the last failure logged, so a target down logs once, not every pass. */
  private final Map<String, String> lastFailure = new HashMap<>();
  /**
   * Per database, the catalog read before the latest one: when an advised index was last seen absent, and the
   * catalog churn counters to turn into rates.
   */
  private final Map<DbKey, DatabaseCatalog> previousCatalog = new HashMap<>();
  /** Per database, tables whose statistics were found stale before (a recurrence gets a per-table setting). */
  private final Map<DbKey, Set<String>> staleBefore = new HashMap<>();
  private int rotation;
  /** What the last pass logged at INFO: a pass that did the same is logged at DEBUG only. */
  private String lastSummary;

  public AdvisorPass(HistoryStore store, AdvisorStore advisorStore, AdvisorBoard board,
      Supplier<List<TargetConfig>> targets, Function<TargetConfig, AdvisorConnections> connect, AdvisorConfig config,
      AnalysisConfig analysis, TenantsConfig tenants, AdvisorMetrics metrics, InstantSource clock) {
    this.metrics = metrics;
    this.store = store;
    this.advisorStore = advisorStore;
    this.board = board;
    this.targets = targets;
    this.connect = connect;
    this.config = config;
    this.analysis = analysis;
    this.tenants = tenants;
    this.clock = clock;
    this.plans = new GenericPlans(config.statementTimeout(), GenericPlans.DEFAULT_MAX_PARAMETERS,
        GenericPlans.DEFAULT_SCHEMAS);
    this.hypothetical = new HypotheticalIndexes(plans);
  }

  /** One pass; {@code running} false makes it stop between statements. */
  public void run(BooleanSupplier running) {
    if (!config.enabled()) {
      return;
    }
    Instant now = clock.instant();
    pools.values().forEach(p -> p.closeIdle(now));
    List<Finding> open = store.openFindings();
    // Every stored catalog, read once per pass: refreshed ones replace their entry here as they are read.
    Map<DbKey, DatabaseCatalog> catalogs = new LinkedHashMap<>();
    advisorStore.catalogs().forEach(c -> catalogs.put(new DbKey(c.target(), c.dbId()), c));
    List<Work> work = new ArrayList<>();
    for (TargetConfig t : targets.get()) {
      Map<Long, String> databases = names(t.name());
      // No databases known yet: the target was not polled yet (or has none the filter accepts).
      if (!t.advisor().enabled() || databases.isEmpty() || !running.getAsBoolean()) {
        continue;
      }
      Work w = new Work(t, 0, databases, statements(t.name(), open, now));
      prepare(w, catalogs, now).ifPresent(major -> work.add(w.withMajor(major)));
    }
    List<DatabaseCatalog> fleet = List.copyOf(catalogs.values());
    FleetDrift drift = FleetDrift.of(fleet, FleetDrift.DEFAULT_MIN_SHARE, FleetDrift.DEFAULT_MIN_DATABASES,
        (target, dbId) -> Optional.ofNullable(catalogs.get(new DbKey(target, dbId)))
            .map(c -> tenants.tenantOf(c.database())).orElse(null));
    board.judge(Scope.fleet("fleet_index_drift"), drift.observations(), now);
    StaleStatistics.FleetAges ages = StaleStatistics.FleetAges.of(fleet, now);
    for (Work w : work) {
      if (!running.getAsBoolean()) {
        return;
      }
      advise(w, open, catalogs, ages, drift, now);
    }
    churn(catalogs, now);
    Duration took = Duration.between(now, clock.instant());
    metrics.pass(took);
    // At INFO when what the advisor covers changes (targets, catalogs, drift), else at DEBUG: a line per pass
    // would drown the log.
    String covered = work.size() + " target(s), " + fleet.size() + " database catalog(s), "
        + drift.observations().size() + " index drift(s)";
    String statements = work.stream().mapToInt(w -> w.statements().size()).sum() + " statement(s) looked at";
    if (!covered.equals(lastSummary)) {
      log.info("advisor: {}, {} in {}", covered, statements, Durations.format(took));
      lastSummary = covered;
    } else {
      log.debug("advisor: {}, {} in {}", covered, statements, Durations.format(took));
    }
  }

  /** What a pass does on one target. */
  private record Work(TargetConfig target, int major, Map<Long, String> databases, List<Finding> statements) {
    Work withMajor(int m) {
      return new Work(target, m, databases, statements);
    }
  }

  private Map<Long, String> names(String target) {
    Map<Long, String> out = new LinkedHashMap<>();
    for (DatabaseInfo d : store.databases(target)) {
      out.put(d.oid(), d.name());
    }
    return out;
  }

  /**
   * The findings whose statements this pass looks at on {@code target}: open index advice first (its "did it work"
   * must not wait), then regressions, new, outliers and hot statements by rank; one per statement, bounded.
   */
  private List<Finding> statements(String target, List<Finding> open, Instant now) {
    Map<FindingKind, Integer> order = Map.of(FindingKind.ADVICE, 0, FindingKind.REGRESSION, 1, FindingKind.NEW, 2,
        FindingKind.OUTLIER, 3, FindingKind.HOT, 4);
    Map<StatementRef, Instant> attempted = advisorStore.lastAttempts(target);
    Map<StatementRef, Finding> chosen = new LinkedHashMap<>();
    open.stream()
        .filter(f -> f.target().equals(target) && f.subject() instanceof Subject.Statement)
        .filter(f -> order.containsKey(f.kind()))
        .filter(f -> f.kind() == FindingKind.ADVICE ? isIndexAdvice(f) : f.state() == FindingState.ACTIVE)
        .sorted(Comparator.comparing((Finding f) -> order.get(f.kind())).thenComparing(AdvisorPass::rank))
        .forEach(f -> {
          StatementRef ref = new StatementRef(f.target(), f.dbId(), f.queryId());
          Instant last = attempted.get(ref);
          boolean due = f.kind() == FindingKind.ADVICE || last == null
              || !last.plus(config.replanAfter()).isAfter(now)
              || (f.kind() == FindingKind.REGRESSION && f.since().isAfter(last));
          if (due) {
            chosen.putIfAbsent(ref, f);
          }
        });
    return chosen.values().stream().limit(config.maxPlansPerTarget()).toList();
  }

  private static boolean isIndexAdvice(Finding f) {
    return f.evidence() instanceof Evidence.Advice a && a.rule().equals("missing_index") && a.ddl() != null;
  }

  private static int rank(Finding f) {
    return f.evidence() instanceof Evidence.Hot h ? h.rank() : 0;
  }

  /**
   * Settings and catalogs of one target; the server's major version, or empty when the target cannot be reached
   * (logged once).
   */
  private Optional<Integer> prepare(Work w, Map<DbKey, DatabaseCatalog> catalogs, Instant now) {
    AdvisorConnections pool = pools.computeIfAbsent(w.target().name(), n -> connect.apply(w.target()));
    String name = w.target().name();
    try {
      ServerSettings s = pool.withDatabase(connectDatabase(w), c -> Settings.read(c, config.statementTimeout()));
      Subject.Target subject = new Subject.Target(name, tenantsOf(w));
      board.judge(Scope.of("settings", subject), SettingsRules.observe(name, subject.tenants(), s, now), now);
      Set<Long> due = new LinkedHashSet<>();
      w.statements().forEach(f -> due.add(f.dbId()));
      List<Long> all = new ArrayList<>(w.databases().keySet());
      for (int i = 0; i < Math.min(CATALOGS_PER_PASS, all.size()); i++) {
        due.add(all.get(Math.floorMod(rotation + i, all.size())));
      }
      rotation += CATALOGS_PER_PASS;
      for (long dbId : due) {
        String db = w.databases().get(dbId);
        if (db != null) {
          refreshCatalog(pool, w, dbId, db, catalogs, now);
        }
      }
      lastFailure.remove(name);
      return Optional.of(s.serverVersionNum() / 10000);
    } catch (SourceException e) {
      failed(name, e);
      return Optional.empty();
    }
  }

  /** The database in the target's URL if it is one of its databases, else the first one. */
  private static String connectDatabase(Work w) {
    return PgEndpoint.databaseOf(w.target().url()).filter(w.databases()::containsValue)
        .orElseGet(() -> w.databases().values().iterator().next());
  }

  private List<String> tenantsOf(Work w) {
    return w.databases().values().stream().map(tenants::tenantOf).distinct().sorted().toList();
  }

  private void refreshCatalog(AdvisorConnections pool, Work w, long dbId, String db,
      Map<DbKey, DatabaseCatalog> catalogs, Instant now) throws SourceException {
    DbKey key = new DbKey(w.target().name(), dbId);
    DatabaseCatalog stored = catalogs.get(key);
    if (stored != null && stored.readAt().plus(config.catalogRefresh()).isAfter(now)) {
      return;
    }
    DatabaseCatalog read = pool.withDatabase(db, c -> Catalogs.read(c, w.target().name(), dbId, db, now,
        config.statementTimeout(), MAX_RELATIONS, MAX_INDEXES));
    if (stored != null) {
      previousCatalog.put(key, stored);
    }
    advisorStore.saveCatalog(read);
    catalogs.put(key, read);
  }

  private void advise(Work w, List<Finding> open, Map<DbKey, DatabaseCatalog> catalogs, StaleStatistics.FleetAges ages,
      FleetDrift drift, Instant now) {
    AdvisorConnections pool = pools.get(w.target().name());
    for (Finding f : w.statements()) {
      String db = w.databases().get(f.dbId());
      Optional<DatabaseCatalog> catalog = Optional.ofNullable(catalogs.get(new DbKey(f.target(), f.dbId())));
      if (db == null || catalog.isEmpty()) {
        continue;
      }
      Subject.Statement subject = statementSubject(f, db);
      try {
        Optional<Finding> advice = open.stream()
            .filter(o -> isIndexAdvice(o) && sameStatement(o, f))
            .findFirst();
        if (advice.isPresent() && IndexApplied.present((Evidence.Advice) advice.get().evidence(), catalog.get())) {
          judgeApplied(advice.get(), catalog.get(), now);
          continue;
        }
        planAndJudge(pool, w, f, subject, db, catalog.get(), ages, drift, now);
        lastFailure.remove(w.target().name());
      } catch (SourceException e) {
        failed(w.target().name(), e);
        return;
      }
    }
  }

  private static boolean sameStatement(Finding a, Finding b) {
    return a.target().equals(b.target()) && a.dbId() == b.dbId() && a.queryId() == b.queryId();
  }

  private Subject.Statement statementSubject(Finding f, String db) {
    String family = f.family();
    return new Subject.Statement(f.target(), f.dbId(), db, tenants.tenantOf(db), f.queryId(), family);
  }

  private void planAndJudge(AdvisorConnections pool, Work w, Finding f, Subject.Statement subject, String db,
      DatabaseCatalog catalog, StaleStatistics.FleetAges ages, FleetDrift drift, Instant now)
      throws SourceException {
    StatementRef ref = new StatementRef(f.target(), f.dbId(), f.queryId());
    Optional<StatementText> text = store.text(f.target(), f.dbId(), f.queryId());
    if (text.isEmpty() || text.get().text() == null || text.get().text().isBlank()) {
      advisorStore.recordPlan(new PlanAttempt(ref, now, "no_text", "no statement text is stored (poll.queryText: "
          + "none, or the text was not read yet)", null, Double.NaN, null));
      metrics.plan(f.target(), AdvisorMetrics.SKIPPED);
      return;
    }
    StatementText t = text.get();
    PlanCapture capture = pool.withDatabase(db, c -> plans.capture(c, w.major(), t.text(), t.truncated()));
    switch (capture) {
      case PlanCapture.Skipped s -> {
        metrics.plan(f.target(), AdvisorMetrics.SKIPPED);
        advisorStore.recordPlan(new PlanAttempt(ref, now, s.reason().name().toLowerCase(Locale.ROOT), s.detail(), null,
            Double.NaN, null));
        board.judge(Scope.of("missing_index", subject), List.of(), now);
      }
      case PlanCapture.Planned p -> {
        metrics.plan(f.target(), AdvisorMetrics.PLANNED);
        PlanShape shape = PlanShape.parse(p.json());
        List<dev.earlybird.history.StoredPlan> before = advisorStore.plans(ref);
        advisorStore.recordPlan(new PlanAttempt(ref, now, PlanAttempt.PLANNED, null, shape.hash(), shape.totalCost(),
            p.json()));
        List<IndexCandidate> candidates = IndexCandidates.of(shape, catalog, IndexCandidates.DEFAULT_MIN_ROWS);
        List<MissingIndexRule.Trial> trials = new ArrayList<>();
        for (IndexCandidate c : candidates.stream().limit(MAX_HYPOTHETICAL).toList()) {
          trials.add(trial(pool, w, db, t, catalog, c));
        }
        board.judge(Scope.of("missing_index", subject),
            MissingIndexRule.observe(subject, trials, config.minCostReductionPct(), drift).stream().toList(), now);
        boolean shapeChanged = !before.isEmpty() && !before.get(0).shapeHash().equals(shape.hash());
        boolean regressed = f.kind() == FindingKind.REGRESSION;
        Set<String> recurring = staleBefore.computeIfAbsent(new DbKey(f.target(), f.dbId()), k -> new java.util.HashSet<>());
        List<Observation> stale = shapeChanged || regressed
            ? StaleStatistics.observe(subject, shape, catalog, ages, Set.copyOf(recurring), now) : List.of();
        stale.forEach(o -> recurring.addAll(tablesOf(o)));
        board.judge(Scope.of("stale_statistics", subject), stale, now);
      }
    }
  }

  /** What HypoPG said of one candidate, or why it could not say. */
  private MissingIndexRule.Trial trial(AdvisorConnections pool, Work w, String db, StatementText t,
      DatabaseCatalog catalog, IndexCandidate c) throws SourceException {
    if (catalog.hypopgSchema().isEmpty()) {
      return new MissingIndexRule.Trial.NotTried(c, "HypoPG is not created in this database (CREATE EXTENSION "
          + "hypopg to have index advice confirmed; Earlybird never creates it)");
    }
    HypotheticalOutcome outcome = pool.withDatabase(db, conn -> hypothetical.cost(conn, w.major(), t.text(),
        t.truncated(), catalog.hypopgSchema().get(), c.hypotheticalDdl()));
    return switch (outcome) {
      case HypotheticalOutcome.Tried tried -> new MissingIndexRule.Trial.Tried(c, tried.cost());
      case HypotheticalOutcome.Untried untried -> new MissingIndexRule.Trial.NotTried(c, untried.why());
    };
  }

  /** The tables ({@code schema.table}) a stale-statistics observation names. */
  private static Set<String> tablesOf(Observation o) {
    return o.evidence() instanceof Evidence.Advice a && a.ddl() != null && a.ddl().startsWith("ANALYZE ")
        ? Set.of(a.ddl().substring("ANALYZE ".length()).replace(";", "").strip()) : Set.of();
  }

  /** Index advice whose index exists: the statement's calls before it and since it appeared, compared. */
  private void judgeApplied(Finding advice, DatabaseCatalog catalog, Instant now) {
    Evidence.Advice a = (Evidence.Advice) advice.evidence();
    Instant absentAt;
    Instant seenAt;
    if (a.applied() != null) {
      absentAt = a.applied().absentAt();
      seenAt = a.applied().seenAt();
    } else {
      DatabaseCatalog previous = previousCatalog.get(new DbKey(advice.target(), advice.dbId()));
      absentAt = previous != null ? previous.readAt() : advice.lastSeen();
      if (absentAt.isAfter(catalog.readAt())) {
        absentAt = advice.lastSeen();
      }
      seenAt = catalog.readAt();
    }
    StatementRef ref = new StatementRef(advice.target(), advice.dbId(), advice.queryId());
    Usage before = usage(ref, new Period(absentAt.minus(BEFORE_SPAN), absentAt));
    Usage after = usage(ref, new Period(seenAt, now));
    Evidence.Applied applied = AppliedCheck.judge(absentAt, seenAt, before, after, analysis.regression().minCalls(),
        analysis.regression().maxPValue());
    Scope scope = Scope.of("missing_index", advice.subject());
    boolean done = !applied.verdict().equals(Evidence.Applied.PENDING) && seenAt.plus(VERIFY_FOR).isBefore(now);
    if (done) {
      board.judge(scope, List.of(), now);
      return;
    }
    board.judge(scope, List.of(new Observation(advice.fingerprint(), advice.severity(), advice.subject(),
        AppliedCheck.summary(applied), a.withApplied(applied))), now);
  }

  private Usage usage(StatementRef ref, Period p) {
    if (!p.to().isAfter(p.from())) {
      return AppliedCheck.NONE;
    }
    return store.usage(List.of(p), List.of(ref)).getOrDefault(ref, AppliedCheck.NONE);
  }

  /**
   * Temporary tables created on a hot path: for each database with a statement that may create one, all its
   * statements of the latest window (the INSERTs that fill a temporary table name it too) and its catalog churn. One
   * read of the window per target, not per database.
   */
  private void churn(Map<DbKey, DatabaseCatalog> catalogs, Instant now) {
    Duration window = analysis.regression().window();
    Map<String, Set<Long>> byTarget = new LinkedHashMap<>();
    advisorStore.temporaryTableCreators(1000)
        .forEach(r -> byTarget.computeIfAbsent(r.target(), t -> new LinkedHashSet<>()).add(r.dbId()));
    List<Observation> out = new ArrayList<>();
    for (var target : byTarget.entrySet()) {
      Map<Long, String> names = names(target.getKey());
      Map<Long, List<TempTableChurn.StatementUse>> uses = new LinkedHashMap<>();
      for (var row : store.hotQueries(HotQueryFilter.between(now.minus(window), now).withTarget(target.getKey()))) {
        String db = names.get(row.dbId());
        if (db != null && target.getValue().contains(row.dbId())) {
          uses.computeIfAbsent(row.dbId(), k -> new ArrayList<>()).add(new TempTableChurn.StatementUse(
              new Subject.Statement(target.getKey(), row.dbId(), db, tenants.tenantOf(db), row.queryId(),
                  row.family()), row.query(), row.usage().calls(), row.usage().execMs()));
        }
      }
      for (var db : uses.entrySet()) {
        DbKey key = new DbKey(target.getKey(), db.getKey());
        DatabaseCatalog current = catalogs.get(key);
        DatabaseCatalog previous = previousCatalog.get(key);
        TempTableChurn.Churn churn = current != null && previous != null
            ? new TempTableChurn.Churn(previous.churn(), previous.readAt(), current.churn(), current.readAt())
            : null;
        out.addAll(TempTableChurn.observe(db.getValue(), window, churn, analysis.regression().minExtraPerHour()));
      }
    }
    board.judge(Scope.fleet("temp_table_churn"), out, now);
  }

  private void failed(String target, SourceException e) {
    metrics.error(target, e.reason().label());
    String message = e.getMessage();
    if (!message.equals(lastFailure.put(target, message))) {
      log.warn("advisor: target {}: {}; will try again at the next pass", target, message);
    }
  }

  /** A database of a target, by oid. */
  private record DbKey(String target, long dbId) {}

  @Override
  public void close() {
    pools.values().forEach(AdvisorConnections::close);
    pools.clear();
  }
}
