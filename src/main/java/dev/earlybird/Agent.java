package dev.earlybird;

import dev.earlybird.analysis.Analyzer;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.AwsConfig;
import dev.earlybird.config.HostPort;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.Retention;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.CloudWatchMetrics;
import dev.earlybird.metrics.DiscoveryMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.schedule.AnalysisLoop;
import dev.earlybird.schedule.Backoff;
import dev.earlybird.schedule.CloudWatchLoop;
import dev.earlybird.schedule.DiscoveryLoop;
import dev.earlybird.schedule.Maintenance;
import dev.earlybird.schedule.PollLoop;
import dev.earlybird.schedule.PiLoop;
import dev.earlybird.metrics.PiMetrics;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.PiSource;
import dev.earlybird.schedule.TargetPoller;
import dev.earlybird.config.PollConfig;
import dev.earlybird.source.aws.CloudWatchSource;
import dev.earlybird.source.aws.RdsDiscovery;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgPassword;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.web.Api;
import dev.earlybird.web.FindingsApi;
import dev.earlybird.web.QueriesApi;
import dev.earlybird.web.BaselineApi;
import dev.earlybird.web.Pages;
import dev.earlybird.web.Readiness;
import dev.earlybird.web.WebServer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place where the agent's objects are created and wired with {@code new}.
 * {@code run} and {@code demo} both start an Agent from an {@link AgentConfig}.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Readiness readiness = new Readiness();
  private final HistoryStore store;
  private final HistoryWriter writer;
  private final PollLoop polls;
  /** Shared by every AWS source; null unless a target or discovery talks to AWS. */
  private final AwsClients aws;
  /** Null without a {@code discovery:} section. */
  private final DiscoveryLoop discovery;
  private final Maintenance maintenance;
  private final AnalysisLoop analysis;
  private final WebServer web;
  /** Null when no target is linked to Performance Insights. */
  private final PiLoop performanceInsights;
  /** Null when no target is linked to CloudWatch. */
  private final CloudWatchLoop cloudWatch;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Agent(AgentConfig config, InstantSource clock) {
    this.config = config;
    List<String> names = config.targets().stream().map(TargetConfig::name).toList();
    AgentMetrics metrics = new AgentMetrics(Version.current(), config.metrics());
    FleetState fleet = new FleetState(names);
    config.targets().forEach(t -> fleet.add(t.name(), new FleetState.Origin(false, t.aws())));
    this.store = openStore(config.store());
    this.writer = new HistoryWriter(store, 64);
    this.aws = needsAws(config) ? AwsClients.standard(config.aws()) : null;
    Random random = new Random();
    Duration interval = config.poll().interval();
    Duration backoffCap = Duration.ofMinutes(5).compareTo(interval.multipliedBy(8)) < 0
        ? Duration.ofMinutes(5) : interval.multipliedBy(8);
    Function<TargetConfig, TargetPoller> newPoller =
        t ->
            new TargetPoller(
                t,
                config.poll(),
                config.tenants(),
                target -> new PgStatStatementsSource(endpoint(target, config.poll(), aws)),
                store,
                writer,
                metrics,
                fleet,
                clock,
                new Backoff(interval, backoffCap, random));
    List<TargetPoller> pollers = config.targets().stream().map(newPoller).toList();
    this.polls = new PollLoop(pollers, interval, clock);
    this.discovery = config.discovery()
        .map(d -> new DiscoveryLoop(new RdsDiscovery(aws, d), Set.copyOf(names), newPoller, polls, fleet, metrics,
            new DiscoveryMetrics(metrics), clock))
        .orElse(null);
    // The AWS sides read the fleet as it is now: static targets and what discovery found.
    java.util.function.Supplier<List<TargetConfig>> current = () -> discovery == null ? config.targets()
        : java.util.stream.Stream.concat(config.targets().stream(), discovery.targetConfigs().stream()).toList();
    boolean discovering = config.discovery().isPresent();
    this.cloudWatch = discovering || config.targets().stream().anyMatch(CloudWatchLoop::linked)
        ? new CloudWatchLoop(current, config.aws(), new CloudWatchSource(aws, config.aws().cloudwatchPeriod()),
            writer, metrics, new CloudWatchMetrics(metrics), clock)
        : null;
    var r = config.retention();
    this.maintenance =
        new Maintenance(writer, new Retention(r.intervals(), r.hourly(), r.daily()), clock, Duration.ofMinutes(1));
    HotList hotList = new HotList(store, fleet, config.tenants(), config.analysis().baseline());
    Analyzer analyzer = new Analyzer(store, writer, config.analysis(), config.tenants(),
        t -> fleet.get(t).map(dev.earlybird.model.TargetStatus::trackIoTiming).orElse(false));
    // Polls ending in a window may land up to about one poll after it ends.
    Duration settle = interval.compareTo(Duration.ofSeconds(30)) < 0 ? interval.plusSeconds(1) : Duration.ofSeconds(31);
    this.analysis = new AnalysisLoop(analyzer, metrics, clock, settle);
    boolean anyPi = config.targets().stream().anyMatch(t -> t.aws().flatMap(a -> a.dbiResourceId()).isPresent());
    this.performanceInsights = anyPi || discovering
        ? new PiLoop(current, PiSource.of(aws, config.poll().queryText()), store, writer, metrics,
            new PiMetrics(metrics), config.aws(),
            interval, clock)
        : null;
    Api api = new Api(fleet, hotList, config.tenants(), clock);
    BaselineApi baselines = new BaselineApi(
        api, store, writer, new BaselineComparison(store, fleet, config.tenants()), config.web().token());
    FindingsApi findings = new FindingsApi(store);
    QueriesApi queries = new QueriesApi(store, config.tenants(), clock);
    this.web = new WebServer(
        api, findings, queries, baselines, new Pages(fleet, api, baselines, findings, queries), metrics, readiness);
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

  private static HistoryStore openStore(StoreConfig store) {
    return switch (store) {
      case StoreConfig.DuckDb d -> DuckDbHistoryStore.open(d.file());
      case StoreConfig.Postgres p ->
          throw new IllegalArgumentException(
              "store: a PostgreSQL store (" + p.jdbcUrl().replaceAll("password=[^&]*", "password=***")
                  + ") is not supported yet; use duckdb:PATH");
    };
  }

  /** Creates the agent, opens the store and starts HTTP and polling. */
  public static Agent start(AgentConfig config, InstantSource clock) {
    Agent agent = new Agent(config, clock);
    try {
      agent.web.start(config.listen().host(), config.listen().port());
      if (agent.discovery != null) {
        // Before polling starts, so discovered targets are polled from the first tick; a failure here only
        // leaves them out until a later refresh works.
        agent.discovery.refresh();
      }
      agent.polls.start();
      if (agent.cloudWatch != null) {
        agent.cloudWatch.start();
      }
      if (agent.discovery != null) {
        agent.discovery.start();
      }
      agent.maintenance.start();
      agent.analysis.start();
      if (agent.performanceInsights != null) {
        agent.performanceInsights.start();
      }
      agent.readiness.set(true);
      log.info("Earlybird {} polling {} target(s) every {}; listening on {}", Version.current(),
          agent.polls.targets().size(), config.poll().interval(), agent.url());
      return agent;
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  public String url() {
    return localUrl(config.listen().host(), web.port());
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
    List<String> problems = new ArrayList<>();
    PollLoop.Stopped polled = stopLoops(problems);
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
    String work = polled.finished().size() + " poll(s) in flight finished, " + queued + " queued write(s) stored";
    if (problems.isEmpty()) {
      log.info("Earlybird stopped gracefully in {}: {}, history store closed", took, work);
    } else {
      log.warn("Earlybird stopped in {}: {}; but {}", took, work, String.join("; ", problems));
    }
  }

  /**
   * Tells every loop to stop scheduling, all at once, and waits for their work in flight together (not one after
   * the other), up to {@link #STOP_GRACE} and a little for interrupted polls to unwind. What did not stop in time is
   * added to {@code problems}.
   */
  private PollLoop.Stopped stopLoops(List<String> problems) {
    var polled = new AtomicReference<>(new PollLoop.Stopped(List.of(), List.of()));
    Map<String, Runnable> stops = new LinkedHashMap<>();
    // Analysis is told first and at the same time as the polls, never after them: a window whose last polls the
    // stop cut short must not be evaluated (a window missing calls could clear, and in the end resolve, a finding
    // only because the agent stopped). An evaluation already running finishes: its window was complete when it began.
    stops.put("analysis", analysis::close);
    stops.put("polls", () -> polled.set(polls.close(STOP_GRACE)));
    if (discovery != null) {
      stops.put("discovery", discovery::close);
    }
    if (cloudWatch != null) {
      stops.put("CloudWatch", cloudWatch::close);
    }
    if (performanceInsights != null) {
      stops.put("Performance Insights", performanceInsights::close);
    }
    stops.put("store maintenance", maintenance::close);
    Map<String, Thread> stopping = new LinkedHashMap<>();
    stops.forEach((name, stop) -> stopping.put(name, Thread.ofVirtual().name("stop " + name).start(stop)));
    long deadline = System.nanoTime() + STOP_GRACE.plusSeconds(3).toNanos();
    stopping.forEach((name, thread) -> {
      try {
        if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
          problems.add(name + " was still busy after " + STOP_GRACE.toSeconds() + " s and was left running");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    polled.get().interrupted().forEach(
        t -> problems.add("the poll of target " + t + " was interrupted after " + STOP_GRACE.toSeconds() + " s"));
    return polled.get();
  }
}
