package dev.earlybird;

import dev.earlybird.analysis.Analyzer;
import dev.earlybird.analysis.BaselineComparison;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.HistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.history.Retention;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.CloudWatchMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.schedule.AnalysisLoop;
import dev.earlybird.schedule.Backoff;
import dev.earlybird.schedule.CloudWatchLoop;
import dev.earlybird.schedule.Maintenance;
import dev.earlybird.schedule.PollLoop;
import dev.earlybird.schedule.PiLoop;
import dev.earlybird.metrics.PiMetrics;
import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.PiSource;
import dev.earlybird.schedule.TargetPoller;
import dev.earlybird.config.PollConfig;
import dev.earlybird.source.aws.CloudWatchSource;
import dev.earlybird.source.postgres.PgEndpoint;
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
import java.util.List;
import java.util.Random;
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
  private final Maintenance maintenance;
  private final AnalysisLoop analysis;
  private final WebServer web;
  /** Shared by every AWS source; null when no target is linked to AWS. */
  private final AwsClients aws;
  /** Null when no target is linked to Performance Insights. */
  private final PiLoop performanceInsights;
  /** Null when no target is linked to CloudWatch. */
  private final CloudWatchLoop cloudWatch;

  private Agent(AgentConfig config, InstantSource clock) {
    this.config = config;
    List<String> names = config.targets().stream().map(TargetConfig::name).toList();
    AgentMetrics metrics = new AgentMetrics(Version.current());
    FleetState fleet = new FleetState(names);
    this.store = openStore(config.store());
    this.writer = new HistoryWriter(store, 64);
    Random random = new Random();
    Duration interval = config.poll().interval();
    Duration backoffCap = Duration.ofMinutes(5).compareTo(interval.multipliedBy(8)) < 0
        ? Duration.ofMinutes(5) : interval.multipliedBy(8);
    List<TargetPoller> pollers =
        config.targets().stream()
            .map(
                t ->
                    new TargetPoller(
                        t,
                        config.poll(),
                        config.tenants(),
                        target -> new PgStatStatementsSource(endpoint(target, config.poll())),
                        store,
                        writer,
                        metrics,
                        fleet,
                        clock,
                        new Backoff(interval, backoffCap, random)))
            .toList();
    this.polls = new PollLoop(pollers, interval, clock);
    // AWS clients only when a target is linked to AWS: a local fleet never looks for credentials.
    this.aws = config.targets().stream().anyMatch(t -> t.aws().isPresent()) ? AwsClients.standard(config.aws()) : null;
    this.cloudWatch = config.targets().stream().anyMatch(CloudWatchLoop::linked)
        ? new CloudWatchLoop(config.targets(), config.aws(), new CloudWatchSource(aws, config.aws().cloudwatchPeriod()),
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
    this.performanceInsights = anyPi
        ? new PiLoop(config::targets, PiSource.of(aws), store, writer, metrics, new PiMetrics(metrics), config.aws(),
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
    return new PgEndpoint(
        t.name(),
        t.url(),
        t.user(),
        t.password() == null ? null : t.password().reveal(),
        poll.connectTimeout(),
        poll.timeout());
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
      agent.polls.start();
      if (agent.cloudWatch != null) {
        agent.cloudWatch.start();
      }
      agent.maintenance.start();
      agent.analysis.start();
      if (agent.performanceInsights != null) {
        agent.performanceInsights.start();
      }
      agent.readiness.set(true);
      log.info("Earlybird {} polling {} target(s) every {}; listening on {}", Version.current(),
          config.targets().size(), config.poll().interval(), agent.url());
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
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::")) {
      host = "::1";
    }
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
  }

  /**
   * Stops in the safe order: not ready, stop scheduling (the poll in flight finishes), drain the writer,
   * close the store, stop HTTP. Nothing is resolved or reset because the agent stops.
   */
  @Override
  public void close() {
    readiness.set(false);
    polls.close();
    if (cloudWatch != null) {
      cloudWatch.close();
    }
    maintenance.close();
    analysis.close();
    if (performanceInsights != null) {
      performanceInsights.close();
    }
    writer.close();
    try {
      store.close();
    } catch (Exception e) {
      log.warn("closing the history store: {}", e.getMessage());
    }
    web.close();
    if (aws != null) {
      aws.close();
    }
  }
}
