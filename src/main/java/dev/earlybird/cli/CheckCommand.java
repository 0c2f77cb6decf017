package dev.earlybird.cli;

import dev.earlybird.source.aws.AwsClients;
import dev.earlybird.source.aws.PiCheck;
import java.time.InstantSource;
import java.util.ArrayList;

import dev.earlybird.Agent;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.source.aws.CloudWatchCheck;
import dev.earlybird.source.postgres.CheckResult;
import dev.earlybird.source.postgres.TargetCheck;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
    description = {
      "Check every target: reachable, version, pg_stat_statements preloaded, created and readable,",
      "track_io_timing, pg_stat_statements.max and .track; for AWS targets Performance Insights (enabled,",
      "reachable, permitted) and CloudWatch access. Exit 0 only if no check fails."
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
    if (cfg.targets().isEmpty()) {
      out.println("No targets in " + config.file + ": add some under 'targets:'.");
      out.flush();
      return 1;
    }
    // Targets are checked in parallel, so one slow or dead host costs its timeout once, not per target.
    List<Future<List<CheckResult>>> results;
    // The pool is closed (waits for every check) before the AWS clients it uses.
    try (AwsClients aws = AwsClients.standard(cfg.aws());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      PiCheck pi = new PiCheck(aws, InstantSource.system());
      results =
          cfg.targets().stream()
              .map(t -> pool.submit(() -> {
                List<CheckResult> all = new ArrayList<>(TargetCheck.run(Agent.endpoint(t, cfg.poll())));
                all.addAll(pi.run(t));
                all.addAll(CloudWatchCheck.run(aws, t, Instant.now()));
                return all;
              }))
              .toList();
    }
    int failedTargets = 0;
    for (int i = 0; i < cfg.targets().size(); i++) {
      TargetConfig t = cfg.targets().get(i);
      List<CheckResult> checks = results.get(i).get();
      boolean failed = checks.stream().anyMatch(c -> c.status() == CheckResult.Status.FAIL);
      failedTargets += failed ? 1 : 0;
      out.printf("target %s: %s%n", t.name(), failed ? "FAILED" : "ok");
      for (CheckResult c : checks) {
        out.printf("  %-4s %s: %s%n", c.status(), c.name(), c.detail());
        if (!c.fix().isBlank()) {
          out.printf("       fix: %s%n", c.fix());
        }
      }
    }
    out.printf("%d of %d target(s) passed%n", cfg.targets().size() - failedTargets, cfg.targets().size());
    out.flush();
    return failedTargets == 0 ? 0 : 1;
  }

}
