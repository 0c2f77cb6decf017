package dev.earlybird;

import dev.earlybird.alert.AlertPolicy;
import dev.earlybird.alert.AlertText;
import dev.earlybird.alert.Dispatcher;
import dev.earlybird.alert.Senders;
import dev.earlybird.analysis.AdvisorBoard;
import dev.earlybird.analysis.Analyzer;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.Forecaster;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.ConfigChanges;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.Durations;
import dev.earlybird.config.HostPort;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.AdvisorStore;
import dev.earlybird.history.Alerting;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.PostgresHistoryStore;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.Ownership;
import dev.earlybird.history.Retention;
import dev.earlybird.metrics.AdvisorMetrics;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.AlertMetrics;
import dev.earlybird.metrics.CloudWatchMetrics;
import dev.earlybird.metrics.DiscoveryMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.schedule.AdvisorLoop;
import dev.earlybird.schedule.AdvisorPass;
import dev.earlybird.schedule.AnalysisLoop;
import dev.earlybird.schedule.Backoff;
import dev.earlybird.schedule.CloudWatchLoop;
import dev.earlybird.schedule.DiscoveryLoop;
import dev.earlybird.schedule.DispatchLoop;
import dev.earlybird.schedule.Loop;
import dev.earlybird.schedule.Loops;
import dev.earlybird.schedule.Maintenance;
import dev.earlybird.schedule.MorningReview;
import dev.earlybird.schedule.PollLoop;
import dev.earlybird.schedule.ReviewLoop;
import dev.earlybird.schedule.ShardLoop;
import dev.earlybird.model.Shard;
import dev.earlybird.schedule.PiLoop;
import dev.earlybird.schedule.StoreHealthLog;
import dev.earlybird.metrics.PiMetrics;
import dev.earlybird.model.TargetStatus;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.PiSource;
import dev.earlybird.schedule.TargetPoller;
import dev.earlybird.config.PollConfig;
import dev.earlybird.source.aws.CloudWatchSource;
import dev.earlybird.source.aws.RdsDiscovery;
import dev.earlybird.source.postgres.AdvisorConnections;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgPassword;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.web.AlertsApi;
import dev.earlybird.web.Api;
import dev.earlybird.web.FamiliesApi;
import dev.earlybird.web.FindingsApi;
import dev.earlybird.web.QueriesApi;
import dev.earlybird.web.BaselineApi;
import dev.earlybird.web.Pages;
import dev.earlybird.web.PlansApi;
import dev.earlybird.web.Readiness;
import dev.earlybird.web.Reloader;
import dev.earlybird.web.WebServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place where the agent's objects are created and wired with {@code new}.
 * {@code run} and {@code demo} both start an Agent from an {@link AgentConfig}.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final InstantSource clock;
  /** Null for a config from memory (the demo): nothing to reload. */
  private final ConfigSource source;
  /** The config in use and what was built from it; a reload swaps it. */
  private final AtomicReference<InUse> inUse = new AtomicReference<>();
  private final Readiness readiness;
  private final AgentMetrics metrics;
  private final FleetState fleet;
  private final Random random = new Random();
  private final HistoryStore store;
  /** Alerts, outbox, reviews and silences, in the same store. */
  private final Alerting alerting;
  /** The advisor's plans and catalogs, in the same store. */
  private final AdvisorStore advisorStore;
  /** The advisor's latest judgements; kept across reloads, so a reload does not make its findings unknown. */
  private final AdvisorBoard board;
  private final AlertMetrics alertMetrics;
  private final AdvisorMetrics advisorMetrics;
  private final HistoryWriter writer;
  /** Which targets this agent polls and whether it does the fleet's duties (all of it, unless replicas share a store). */
  private final Ownership ownership;
  private final PollLoop polls;
  /** Shared by every AWS source; null until a target or discovery talks to AWS (a reload may add the first). */
  private volatile AwsClients aws;
  /** Empty without a {@code discovery:} section. */
  private final Optional<DiscoveryLoop> discovery;
  /**
   * Every loop the agent runs, in start order: polls, CloudWatch, discovery, store maintenance, analysis,
   * Performance Insights; those the config does not need are not there. A reload replaces the analysis and the
   * maintenance and may add CloudWatch and Performance Insights (at the end) once a target needs them.
   */
  private final Loops loops = new Loops();
  private final WebServer web;
  /** Where the UI is below the server's root ({@code web.basePath} at start: a change needs a restart). */
  private final String belowRoot;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set once start finished: an agent that never started (a busy port) did not "stop", so close says nothing. */
  private volatile boolean startedUp;

  /** Where the config comes from, again at each reload. */
  @FunctionalInterface
  public interface ConfigSource {
    AgentConfig load() throws ConfigException;
  }

  /**
   * What depends on the config besides the pollers: the analysis, the store's retention and the web handlers. Built
   * whole from one config and swapped whole by a reload, so nothing keeps reading an old config.
   */
  private record InUse(
      AgentConfig config,
      AnalysisLoop analysis,
      Maintenance maintenance,
      ReviewLoop reviews,
      DispatchLoop delivery,
      AdvisorLoop advisor,
      WebServer.Handlers handlers) {}

  private Agent(AgentConfig config, InstantSource clock, ConfigSource source, Shard shard, String replica) {
    this.clock = clock;
    this.source = source;
    List<String> names = config.targets().stream().map(TargetConfig::name).toList();
    this.metrics = new AgentMetrics(Version.current(), config.metrics());
    this.fleet = new FleetState(names);
    config.targets().forEach(t -> fleet.add(t.name(), new FleetState.Origin(false, t.aws())));
    JdbcHistoryStore opened = openStore(config.store(), shard, replica);
    this.store = opened;
    this.alerting = opened.alerting();
    this.advisorStore = opened.advisor();
    this.board = new AdvisorBoard(config.advisor().replanAfter().plus(config.advisor().interval().multipliedBy(2)));
    this.alertMetrics = new AlertMetrics(metrics, clock::instant);
    this.advisorMetrics = new AdvisorMetrics(metrics);
    // After a restart the fleet page and /api/v1/targets say when each target was last polled, from the history,
    // not "never" until its next poll works (a target that is down would stay "never").
    // Two small reads: the time of each target's last snapshot, and the statement count of its last good poll.
    Map<String, Instant> lastGood = store.lastGoodPolls();
    Map<String, Long> statements = new HashMap<>();
    store.targets().forEach(r -> statements.put(r.name(), r.statements()));
    config.targets().stream().filter(t -> lastGood.containsKey(t.name())).forEach(t -> fleet.update(t.name(),
        s -> s.lastPollAt() != null ? s : new TargetStatus(s.name(), s.up(), lastGood.get(t.name()),
            s.serverVersion(), statements.getOrDefault(t.name(), 0L).intValue(), s.lastError(), s.trackIoTiming(),
            s.degraded(), s.hiddenStatements())));
    store.health().listen(new StoreHealthLog());
    metrics.storeHealth(() -> store.health().up(), () -> store.health().errors());
    this.readiness = new Readiness(store.health());
    this.writer = new HistoryWriter(store, 64);
    Optional<ShardLoop> shards = Optional.empty();
    if (config.store() instanceof StoreConfig.Postgres) {
      this.ownership = Ownership.replica(shard, replica);
      Duration every = config.poll().interval().compareTo(CLAIM_EVERY) < 0 ? config.poll().interval() : CLAIM_EVERY;
      shards = Optional.of(new ShardLoop(store, ownership, fleet, every, clock));
      shards.get().claim(); // before the first polls: they are of this replica's shards
    } else {
      this.ownership = Ownership.alone(replica);
    }
    fleet.owners(ownership::owner);
    this.aws = needsAws(config) ? AwsClients.standard(config.aws()) : null;
    inUse.set(build(config));
    this.polls = new PollLoop(config.targets().stream().map(this::poller).toList(), config.poll().interval(), clock);
    this.discovery = config.discovery()
        .map(d -> new DiscoveryLoop(new RdsDiscovery(aws, d), Set.copyOf(names), this::poller, polls, fleet, metrics,
            new DiscoveryMetrics(metrics), clock));
    shards.ifPresent(loops::add);
    loops.add(polls);
    cloudWatchLoop(config).ifPresent(loops::add);
    discovery.ifPresent(loops::add);
    loops.add(inUse.get().maintenance());
    loops.add(inUse.get().analysis());
    loops.add(inUse.get().reviews());
    loops.add(inUse.get().delivery());
    loops.add(inUse.get().advisor());
    piLoop(config).ifPresent(loops::add);
    this.belowRoot = config.web().belowRoot();
    this.web = new WebServer(() -> inUse.get().handlers(), metrics, readiness,
        source == null ? Reloader.NONE : this::reload, config.web().basePath());
  }

  private AgentConfig config() {
    return inUse.get().config();
  }

  /** A poller that reads the poll and tenant settings in use at each poll; its connection is made from these. */
  private TargetPoller poller(TargetConfig t) {
    PollConfig poll = config().poll();
    Duration interval = poll.interval();
    Duration backoffCap = Duration.ofMinutes(5).compareTo(interval.multipliedBy(8)) < 0
        ? Duration.ofMinutes(5) : interval.multipliedBy(8);
    return new TargetPoller(t, () -> config().poll(), () -> config().tenants(),
        target -> new PgStatStatementsSource(endpoint(target, poll, aws)), store, writer, metrics, fleet, clock,
        new Backoff(interval, backoffCap, random), ownership::owns);
  }

  /** How often a replica sharing a store claims its shards, at the most: a dead replica's are taken over that fast. */
  private static final Duration CLAIM_EVERY = Duration.ofSeconds(15);

  /** The targets whose AWS sides this agent reads: those of its shards. */
  private List<TargetConfig> ownedTargets() {
    return currentTargets().stream().filter(t -> ownership.owns(t.name())).toList();
  }

  /** The AWS sides read the fleet as it is now: the static targets in use and what discovery found. */
  private List<TargetConfig> currentTargets() {
    return discovery.map(d -> java.util.stream.Stream.concat(config().targets().stream(), d.targetConfigs().stream())
        .toList()).orElseGet(() -> config().targets());
  }

  /** Empty until a target is linked to CloudWatch (or discovery runs). */
  private Optional<Loop> cloudWatchLoop(AgentConfig config) {
    boolean needed = config.discovery().isPresent() || config.targets().stream().anyMatch(CloudWatchLoop::linked);
    return needed ? Optional.of(new CloudWatchLoop(this::ownedTargets, config.aws(),
        new CloudWatchSource(aws, config.aws().cloudwatchPeriod()), writer, metrics, new CloudWatchMetrics(metrics),
        clock)) : Optional.empty();
  }

  /** Empty until a target is linked to Performance Insights (or discovery runs). */
  private Optional<Loop> piLoop(AgentConfig config) {
    boolean needed = config.discovery().isPresent()
        || config.targets().stream().anyMatch(t -> t.aws().flatMap(a -> a.dbiResourceId()).isPresent());
    return needed ? Optional.of(new PiLoop(this::ownedTargets, PiSource.of(aws, config.poll().queryText()), store,
        writer, metrics, new PiMetrics(metrics), config.aws(), config.poll().interval(), clock)) : Optional.empty();
  }

  private InUse build(AgentConfig config) {
    var r = config.retention();
    Maintenance maintenance =
        new Maintenance(writer, new Retention(r.intervals(), r.hourly(), r.daily()), clock, Duration.ofMinutes(1));
    HotList hotList = new HotList(store, config.tenants(), config.analysis().baseline());
    AlertText text = new AlertText(() -> URI.create(config.web().externalUrl().map(URI::toString)
        .orElseGet(() -> web == null
            ? localUrl(config.listen().host(), config.listen().port()) + config.web().belowRoot() : url())));
    AlertPolicy policy = new AlertPolicy(config.alerts(), text, alerting.alerts(), alerting.silences(), clock);
    Forecaster forecaster = new Forecaster(store, config.analysis(), config.alerts().forecast(), config.tenants(),
        name -> currentTargets().stream().filter(t -> t.name().equals(name)).findFirst()
            .map(TargetConfig::vcpus).orElse(OptionalDouble.empty()));
    Analyzer analyzer =
        new Analyzer(store, writer, config.analysis(), config.tenants(), forecaster, policy::onFindings, board);
    // Polls ending in a window may land up to about one poll after it ends.
    Duration interval = config.poll().interval();
    Duration settle = interval.compareTo(Duration.ofSeconds(30)) < 0 ? interval.plusSeconds(1) : Duration.ofSeconds(31);
    AnalysisLoop analysis = new AnalysisLoop(analyzer, metrics, clock, settle, ownership::leads);
    Api api = new Api(fleet, hotList, config.tenants(), clock, store::databases);
    BaselineApi baselines = new BaselineApi(
        api, store, writer, new BaselineComparison(store, config.tenants()), config.web().token());
    PlansApi plans = new PlansApi(advisorStore);
    FindingsApi findings = new FindingsApi(store, plans);
    QueriesApi queries = new QueriesApi(store, config.tenants(), clock, plans);
    MorningReview review = new MorningReview(store, alerting.reviews(), hotList, config.tenants(), policy, text,
        (target, workdayStart) -> forecaster.forecastFrom(target, clock.instant(), workdayStart), clock);
    ReviewLoop reviews = new ReviewLoop(store, alerting.reviews(), review, config.tenants(), config.alerts(),
        alertMetrics, clock, ownership::leads);
    Pages pages = new Pages(fleet, api, baselines, findings, queries, reviews::upcoming);
    DispatchLoop delivery = new DispatchLoop(new Dispatcher(alerting.outbox(), alerting.alerts(), alerting.silences(),
        Senders.of(config.alerts().receivers(), config.alerts().resendInterval()), config.alerts().maxAge(),
        config.alerts().resendInterval(), this::targetDown, alertMetrics, clock, random), ownership::leads);
    AdvisorLoop advisor = new AdvisorLoop(new AdvisorPass(store, advisorStore, board, this::currentTargets,
        t -> new AdvisorConnections(advisorEndpoint(t, config), config.advisor().maxConnectionsPerTarget(),
            ADVISOR_IDLE, AdvisorConnections.DEFAULT_BORROW_TIMEOUT, clock), config.advisor(), config.analysis(),
        config.tenants(), advisorMetrics, clock),
        config.advisor().interval(), ownership::leads);
    return new InUse(config, analysis, maintenance, reviews, delivery, advisor,
        new WebServer.Handlers(api, findings, queries, baselines, pages,
            new AlertsApi(alerting, config.web().token(), clock),
            new FamiliesApi(store, config.tenants(), clock)));
  }

  /** How long an advisor connection to a database may sit unused before it is closed. */
  private static final Duration ADVISOR_IDLE = Duration.ofMinutes(5);

  /**
   * Where the advisor connects for {@code t}: {@code targets[].advisor.url} (a replica, say) or the target's own URL,
   * with the target's credentials and the advisor's statement timeout.
   */
  private PgEndpoint advisorEndpoint(TargetConfig t, AgentConfig config) {
    return advisorEndpoint(t, config, aws);
  }

  /** Like {@link #advisorEndpoint(TargetConfig, AgentConfig)}, for {@code check}, with its own AWS clients. */
  public static PgEndpoint advisorEndpoint(TargetConfig t, AgentConfig config, AwsClients aws) {
    PgEndpoint e = endpoint(t, config.poll(), aws);
    return new PgEndpoint(e.targetName(), t.advisor().url().orElse(e.jdbcUrl()), e.user(), e.password(),
        e.connectTimeout(), config.advisor().statementTimeout());
  }

  /** A target whose last poll failed; one not polled yet is not down (its alerts are not held). */
  private boolean targetDown(String target) {
    return fleet.get(target).map(s -> s.lastPollAt() != null && !s.up()).orElse(false);
  }

  /** Maps a target's config onto what the PostgreSQL source needs; the only place a password is revealed. */
  public static PgEndpoint endpoint(TargetConfig t, PollConfig poll) {
    return endpoint(t, poll, null);
  }

  /**
   * Like {@link #endpoint(TargetConfig, PollConfig)}; a target with {@code aws.iamAuth} logs in with a fresh RDS
   * IAM token per connection, signed by {@code aws} (null: the token cannot be made, and connecting says so).
   */
  public static PgEndpoint endpoint(TargetConfig t, PollConfig poll, AwsClients aws) {
    PgPassword password = t.aws().filter(AwsConfig::iamAuth)
        .<PgPassword>map(link -> new PgPassword.IamToken((host, port, user) -> {
          if (aws == null) {
            throw new IllegalStateException("no AWS clients were set up for IAM auth");
          }
          return aws.iamAuthToken(link, host, port, user);
        }))
        .orElseGet(() -> PgPassword.ofNullable(t.password() == null ? null : t.password().reveal()));
    return new PgEndpoint(t.name(), t.url(), t.user(), password, poll.connectTimeout(), poll.timeout());
  }

  /** Whether anything will call AWS: discovery, or a target linked to AWS (IAM auth, PI, CloudWatch). */
  public static boolean needsAws(AgentConfig config) {
    return config.discovery().isPresent() || config.targets().stream().anyMatch(t -> t.aws().isPresent());
  }

  private static JdbcHistoryStore openStore(StoreConfig store, Shard shard, String replica) {
    return switch (store) {
      case StoreConfig.DuckDb d -> DuckDbHistoryStore.open(d.file());
      // Printed without credentials: the URL's password parameter never reaches a message.
      case StoreConfig.Postgres p ->
          PostgresHistoryStore.open(p.jdbcUrl(), p.toString(), InstantSource.system(), shard, replica);
    };
  }


  /** Creates the agent, opens the store and starts HTTP and polling; a reload has no file to read. */
  public static Agent start(AgentConfig config, InstantSource clock) {
    return start(config, clock, null);
  }

  /**
   * Creates the agent, opens the store and starts HTTP and polling.
   *
   * @param source what {@link #reload()} reads again (SIGHUP, {@code POST /-/reload}); {@code config} came from it;
   *     null if nothing can be read again
   */
  public static Agent start(AgentConfig config, InstantSource clock, ConfigSource source) {
    return start(config, clock, source, Shard.ALONE, Replicas.hostName());
  }

  /**
   * Like {@link #start(AgentConfig, InstantSource, ConfigSource)}, as one of the replicas sharing a PostgreSQL store.
   *
   * @param shard this replica's shard; its count must be the store's {@code shards} (1 for a lone agent)
   * @param replica how this agent is named to the others and in {@code /api/v1/targets}
   */
  public static Agent start(AgentConfig config, InstantSource clock, ConfigSource source, Shard shard,
      String replica) {
    int count = config.store() instanceof StoreConfig.Postgres p ? p.shards() : 1;
    if (shard.count() != count) {
      throw new IllegalArgumentException("shard " + shard + " is one of " + shard.count() + " replicas, but the config "
          + "says shards: " + count + "; give every replica the same count");
    }
    Agent agent = new Agent(config, clock, source, shard, replica);
    try {
      agent.web.start(config.listen().host(), config.listen().port());
      // Before polling starts, so discovered targets are polled from the first tick; a failure here only leaves
      // them out until a later refresh works.
      agent.discovery.ifPresent(DiscoveryLoop::refresh);
      agent.loops.start();
      agent.metrics.configLoaded(true, clock.instant());
      agent.readiness.set(true);
      agent.startedUp = true;
      if (count > 1) {
        log.info("Earlybird {} replica {} (shard {}) of a fleet of {} target(s), polling those of shard(s) {} every {}; "
            + "listening on {}", Version.current(), replica, shard, agent.polls.targets().size(),
            agent.ownership.held().isEmpty() ? "(none yet)" : new java.util.TreeSet<>(agent.ownership.held()),
            Durations.format(config.poll().interval()), agent.url());
      } else {
        log.info("Earlybird {} polling {} target(s) every {}; listening on {}", Version.current(),
            agent.polls.targets().size(), Durations.format(config.poll().interval()), agent.url());
      }
      return agent;
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  /**
   * Reads the config again and applies it without a restart, like Prometheus on SIGHUP: targets added are polled at
   * once, removed ones stop (their series go, their history stays), changed ones get a new poller; an unchanged
   * target keeps its poller, connection and last snapshot. Tenants, poll settings, retention, analysis, alerts,
   * metrics and web settings take effect; {@code listen}, {@code store}, {@code aws} and {@code discovery} keep their
   * running values until a restart, and the log line says so. Logs one line saying what changed.
   *
   * @return that line
   * @throws ConfigException the new config is invalid; nothing changed (logged as one ERROR line)
   */
  public synchronized String reload() throws ConfigException {
    if (source == null) {
      return Reloader.NONE.reload();
    }
    AgentConfig next;
    try {
      next = source.load();
    } catch (ConfigException e) {
      metrics.configLoaded(false, clock.instant());
      log.error("config reload failed; still running on the previous config: {}", String.join("; ", e.problems()));
      throw e;
    }
    AgentConfig old = config();
    ConfigChanges changes = ConfigChanges.between(old, next);
    // What cannot change while running keeps its running value; the next reload reports it again, as still waiting.
    AgentConfig applied = new AgentConfig(old.listen(), old.store(), next.poll(), next.retention(), next.targets(),
        next.tenants(), next.analysis(), next.alerts(), next.web(), old.aws(), old.discovery(), next.metrics(),
        next.advisor());
    if (!swap(build(applied))) {
      throw new ConfigException("the agent is stopping; not reloading");
    }
    apply(old, applied, changes);
    metrics.configLoaded(true, clock.instant());
    String summary = "config reloaded: " + changes.summary();
    if (changes.needRestart().isEmpty()) {
      log.info(summary);
    } else {
      log.warn(summary);
    }
    return summary;
  }

  /** Like {@link #reload()} for a signal handler: a failure is logged and counted there, nothing is thrown. */
  public void reloadQuietly() {
    try {
      reload();
    } catch (ConfigException e) {
      // Logged by reload(): one ERROR line with every problem.
    } catch (RuntimeException e) {
      metrics.configLoaded(false, clock.instant());
      log.error("config reload failed unexpectedly; the agent keeps running", e);
    }
  }

  /**
   * Puts {@code next} in use: web requests read it from now on; the old analysis finishes the evaluation it began
   * before the new one starts (one evaluation at a time). False, and nothing done, once the agent is stopping. A
   * stop that begins meanwhile stops whichever analysis and maintenance the loops hold by then; none starts after.
   */
  private boolean swap(InUse next) {
    synchronized (inUse) {
      if (closed.get()) {
        return false;
      }
      InUse previous = inUse.getAndSet(next);
      loops.replace(previous.analysis(), next.analysis(), REPLACE_WAIT);
      loops.replace(previous.maintenance(), next.maintenance(), REPLACE_WAIT);
      loops.replace(previous.reviews(), next.reviews(), REPLACE_WAIT);
      loops.replace(previous.delivery(), next.delivery(), REPLACE_WAIT);
      loops.replace(previous.advisor(), next.advisor(), REPLACE_WAIT);
      return true;
    }
  }

  /** How long a reload waits for the old analysis to finish its evaluation before the new one starts. */
  private static final Duration REPLACE_WAIT = Duration.ofSeconds(30);

  /** Applies to the long-lived parts (pollers, metrics, AWS) what changed from {@code old} to {@code applied}. */
  private void apply(AgentConfig old, AgentConfig applied, ConfigChanges changes) {
    if (!old.poll().interval().equals(applied.poll().interval())) {
      polls.interval(applied.poll().interval());
    }
    if (!old.tenants().equals(applied.tenants())) {
      metrics.tenantsChanged();
    }
    if (!old.metrics().equals(applied.metrics())) {
      metrics.metricsConfig(applied.metrics());
    }
    if (aws == null && needsAws(applied)) {
      aws = AwsClients.standard(applied.aws());
    }
    Map<String, TargetConfig> byName = new LinkedHashMap<>();
    applied.targets().forEach(t -> byName.put(t.name(), t));
    for (String name : changes.removed()) {
      if (!polls.remove(name)) {
        log.warn("target {}: its last poll did not finish in time; its series may linger until it does", name);
      }
      fleet.remove(name);
      metrics.removeTarget(name);
    }
    for (String name : changes.replaced()) {
      polls.remove(name);
      TargetConfig t = byName.get(name);
      fleet.add(name, new FleetState.Origin(false, t.aws()));
      polls.add(poller(t));
    }
    for (String name : changes.added()) {
      if (discovery.map(d -> d.targets().contains(name)).orElse(false)) {
        log.warn("target {} is already polled as a discovered target; the static one is polled after a restart", name);
        continue;
      }
      TargetConfig t = byName.get(name);
      fleet.add(name, new FleetState.Origin(false, t.aws()));
      polls.add(poller(t));
    }
    if (!loops.has(CloudWatchLoop.class)) {
      cloudWatchLoop(applied).ifPresent(loops::add);
    }
    if (!loops.has(PiLoop.class)) {
      piLoop(applied).ifPresent(loops::add);
    }
  }

  /** The UI's root, under {@code web.basePath}. */
  public String url() {
    return localUrl(config().listen().host(), web.port()) + belowRoot;
  }

  /** How a process on this machine reaches an agent listening on {@code host:port} (any address: loopback). */
  public static String localUrl(String host, int port) {
    return new HostPort(host, port).localUrl();
  }

  /**
   * How long a stop waits for the work in flight (polls, an analysis, AWS reads) before it interrupts or leaves it.
   * Short enough that the whole stop fits in {@code docker stop}'s default 10 s before SIGKILL: abandoning a poll
   * loses nothing (the counters are cumulative; the next run diffs from the last stored snapshot).
   */
  public static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /**
   * Stops in the safe order: not ready; every loop stops scheduling at once and the work in flight finishes (up to
   * {@link #STOP_GRACE}); the writer runs every write queued, so each poll that finished is stored; the store is
   * closed (checkpointed); HTTP stops last, so health and metrics answer until the end. Nothing is resolved or
   * reset because the agent stops. Logs how it went and how long it took. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    readiness.set(false);
    // Analysis starts after the polls, so the loops tell it to stop first, at the same time as the polls, never
    // after them: a window whose last polls the stop cut short must not be evaluated (a window missing calls could
    // clear, and in the end resolve, a finding only because the agent stopped). An evaluation already running
    // finishes: its window was complete when it began.
    Loops.Report stopped = loops.stop(STOP_GRACE);
    List<String> problems = new ArrayList<>(stopped.problems());
    int queued = writer.queued();
    writer.close();
    try {
      store.close();
    } catch (Exception e) {
      problems.add("closing the history store failed: " + e.getMessage());
    }
    web.close();
    if (aws != null) {
      aws.close();
    }
    String took = String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
    String work = stopped.finished().size() + " poll(s) in flight finished, " + queued + " queued write(s) stored";
    if (!startedUp && problems.isEmpty()) {
      log.debug("Earlybird did not start; closed in {}", took);
    } else if (problems.isEmpty()) {
      log.info("Earlybird stopped gracefully in {}: {}, history store closed", took, work);
    } else {
      log.warn("Earlybird stopped in {}: {}; but {}", took, work, String.join("; ", problems));
    }
  }
}
