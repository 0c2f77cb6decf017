package dev.earlybird.cli;

import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.PiCheck;
import java.time.InstantSource;
import java.util.ArrayList;

import dev.earlybird.Agent;
import dev.earlybird.alert.Sender;
import dev.earlybird.alert.Senders;
import dev.earlybird.config.ReceiverConfig;
import java.time.Duration;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.DiscoveryConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.source.aws.CloudWatchCheck;
import java.time.Instant;
import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.source.aws.DiscoveredTargets;
import dev.earlybird.source.aws.RdsDiscovery;
import dev.earlybird.source.aws.RdsInstance;
import dev.earlybird.source.aws.ThrottleCount;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.source.postgres.TargetCheck;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    // One paragraph per element, each a whole sentence: picocli wraps them, and lists the first with the commands.
    description = {
      "Check every target and alert receiver, changing and sending nothing; exit 0 only if no check fails.",
      "Per target: reachable, the limits in effect in a read's transaction, a pooler in front, the version, "
          + "pg_stat_statements preloaded, created and readable, track_io_timing, pg_stat_statements.max and "
          + ".track; with IAM auth, that a token can be made; for AWS targets, Performance Insights (enabled, "
          + "reachable, permitted) and CloudWatch access.",
      "With discovery, each region is listed first and the instances found are checked too.",
      "The history store: a PostgreSQL store reachable, its schema, the right to create it, who holds its shards; "
          + "a DuckDB file's directory writable.",
      "Per alert receiver: Alertmanager ready, SMTP login, URL and key shape."
    })
public final class CheckCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<AgentConfig> loaded = config.load(spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return 2;
    }
    AgentConfig cfg = loaded.get();
    if (cfg.targets().isEmpty() && cfg.discovery().isEmpty()) {
      out.println("No targets in " + config.file + ": add some under 'targets:' (or a 'discovery:' section).");
      out.flush();
      return 1;
    }
    try (AwsClients aws = Agent.needsAws(cfg) ? AwsClients.standard(cfg.aws()) : null) {
      List<TargetConfig> targets = new ArrayList<>(cfg.targets());
      boolean discoveryFailed = false;
      if (cfg.discovery().isPresent()) {
        discoveryFailed = discover(cfg, cfg.discovery().get(), aws, targets, out);
      }
      int failedTargets = checkTargets(cfg, targets, aws, out);
      boolean storeFailed = checkStore(cfg, out);
      int failedReceivers = checkReceivers(cfg, out);
      out.printf("%d of %d target(s) passed%s%s%s%n", targets.size() - failedTargets, targets.size(),
          discoveryFailed ? "; discovery FAILED" : "", storeFailed ? "; store FAILED" : "",
          failedReceivers == 0 ? "" : "; " + failedReceivers + " receiver(s) FAILED");
      out.flush();
      return failedTargets == 0 && !discoveryFailed && !storeFailed && failedReceivers == 0 ? 0 : 1;
    }
  }

  /** Lists every region, prints what it found, adds the discovered targets; true if a region failed. */
  private static boolean discover(
      AgentConfig cfg, DiscoveryConfig d, AwsClients aws, List<TargetConfig> targets, PrintWriter out) {
    RdsDiscovery rds = new RdsDiscovery(aws, d);
    List<List<RdsInstance>> byRegion = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    boolean failed = false;
    for (String region : d.regions()) {
      try {
        List<RdsInstance> found = rds.scan(region, new ThrottleCount());
        byRegion.add(found);
        lines.add(String.format("  %-4s %s: %d matching instance(s)", CheckResult.Status.PASS, region, found.size()));
      } catch (SourceException e) {
        failed = true;
        lines.add(String.format("  %-4s %s: %s", CheckResult.Status.FAIL, region, e.getMessage()));
        if (e.reason() != ErrorReason.AUTH) { // the message of missing credentials says what to do
          lines.add("       fix: " + discoveryFix(e.reason()));
        }
      }
    }
    Set<String> staticNames = Set.copyOf(cfg.targets().stream().map(TargetConfig::name).toList());
    DiscoveredTargets.Plan plan = DiscoveredTargets.plan(d, byRegion, staticNames);
    plan.notes().forEach(n -> lines.add("       note: " + n));
    out.printf("discovery: %s%n", failed ? "FAILED" : "ok");
    lines.forEach(out::println);
    targets.addAll(plan.targets().values());
    return failed;
  }

  private static String discoveryFix(ErrorReason reason) {
    return switch (reason) {
      case PERMISSION -> "Allow the agent's AWS identity rds:DescribeDBInstances and rds:DescribeDBClusters (and "
          + "sts:AssumeRole on aws.roleArn if set); check that credentials are found (environment, profile, "
          + "web identity, ECS task or EC2 instance role).";
      case THROTTLED -> "Lower aws.requestsPerSecond.rds or raise discovery.refresh; other tools in the account "
          + "share RDS's API limits.";
      case DNS, CONNECT, TIMEOUT, TLS ->
          "Check the region, discovery.endpoint(s), proxies and the VPC endpoint for RDS.";
      case AUTH, MISSING_EXTENSION, NOT_ENABLED, BAD_VALUE, TOO_MANY_CONNECTIONS, DATABASE_MISSING, OTHER ->
          "Check the discovery section and the log.";
    };
  }

  /** Checks targets in parallel, so one slow or dead host costs its timeout once; returns how many failed. */
  private static int checkTargets(AgentConfig cfg, List<TargetConfig> targets, AwsClients aws, PrintWriter out)
      throws Exception {
    List<Future<List<CheckResult>>> results;
    // The caller closes the AWS clients (null when nothing needs AWS) after the pool has waited for every check.
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      PiCheck pi = new PiCheck(aws, InstantSource.system());
      results =
          targets.stream()
              .map(t -> pool.submit(() -> {
                // The advisor's lines (can it reach each database, where is HypoPG) where it is on for the target.
                List<CheckResult> all = new ArrayList<>(cfg.advisor().enabled() && t.advisor().enabled()
                    ? TargetCheck.run(Agent.endpoint(t, cfg.poll(), aws), Agent.advisorEndpoint(t, cfg, aws),
                        t.databases()::accepts)
                    : TargetCheck.run(Agent.endpoint(t, cfg.poll(), aws)));
                all.addAll(pi.run(t));
                all.addAll(CloudWatchCheck.run(aws, t, Instant.now()));
                return all;
              }))
              .toList();
    }
    int failedTargets = 0;
    for (int i = 0; i < targets.size(); i++) {
      TargetConfig t = targets.get(i);
      List<CheckResult> checks = results.get(i).get();
      boolean failed = checks.stream().anyMatch(c -> c.status() == CheckResult.Status.FAIL);
      failedTargets += failed ? 1 : 0;
      out.printf("target %s: %s%n", t.name(), failed ? "FAILED" : "ok");
      print(checks, out);
    }
    return failedTargets;
  }

  /** The history store's lines; true if one failed. */
  private static boolean checkStore(AgentConfig cfg, PrintWriter out) {
    List<CheckResult> checks = StoreCheck.run(cfg.store());
    boolean failed = checks.stream().anyMatch(c -> c.status() == CheckResult.Status.FAIL);
    // Printed without credentials: the URL's password parameter never reaches the output.
    out.printf("store %s: %s%n", cfg.store(), failed ? "FAILED" : "ok");
    print(checks, out);
    return failed;
  }

  private static void print(List<CheckResult> checks, PrintWriter out) {
    for (CheckResult c : checks) {
      out.printf("  %-4s %s: %s%n", c.status(), c.name(), c.detail());
      if (!c.fix().isBlank()) {
        out.printf("       fix: %s%n", c.fix());
      }
    }
  }

  /** One line per alert receiver, checked in parallel (nothing is sent); returns how many failed. */
  private static int checkReceivers(AgentConfig cfg, PrintWriter out) throws Exception {
    List<Sender> senders = Senders.of(cfg.alerts().receivers(), cfg.alerts().resendInterval());
    List<Future<Sender.Check>> results;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      results = senders.stream().map(s -> pool.submit(s::check)).toList();
    }
    int failed = 0;
    for (int i = 0; i < senders.size(); i++) {
      ReceiverConfig r = cfg.alerts().receivers().get(i);
      Sender.Check c = results.get(i).get();
      failed += c.ok() ? 0 : 1;
      out.printf("receiver %s (%s): %s: %s%n", r.name(), r.type().yamlName(), c.ok() ? "ok" : "FAILED", c.detail());
    }
    return failed;
  }
}
