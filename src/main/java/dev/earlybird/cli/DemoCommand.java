package dev.earlybird.cli;

import dev.earlybird.Agent;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Durations;
import dev.earlybird.demo.DemoFleet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    description =
        "A first run: starts an embedded PostgreSQL with tenant databases and a workload, and the agent on it.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--listen", defaultValue = "127.0.0.1:9860", description = "UI/API/metrics address (default ${DEFAULT-VALUE}; port 0 picks a free one)")
  String listen;

  @Option(names = "--data", paramLabel = "DIR", description = "Keep the demo's PostgreSQL and history here (default: a new temporary directory)")
  Path data;

  @Option(names = "--interval", defaultValue = "10s", description = "Poll interval (default ${DEFAULT-VALUE})")
  String interval;

  @Option(names = "--regress-after", paramLabel = "DURATION",
      description = "When to inject the demo's regression (drop an index in tenant_" + DemoFleet.REGRESSED_TENANT
          + "); default: once the baseline has filled (15 poll intervals); 'never' to keep the fleet healthy")
  String regressAfter;

  @Spec CommandSpec spec;

  /**
   * The demo's config, as YAML, so it goes through the same validation as a user's. Analysis windows scale
   * with the poll interval so that a regression shows within minutes: window 3 polls, rolling baseline 12.
   */
  static String config(String listen, Path store, String jdbcUrl, String interval) {
    Duration poll = Durations.parse(interval);
    return """
        listen: "%s"
        store: "duckdb:%s"
        poll: { interval: %s, textRefresh: %s }
        targets:
          - name: demo
            url: "%s"
            user: postgres
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
          defaults: { timezone: America/New_York, workdayStart: "07:00" }
          overrides: { acme: { timezone: Europe/London } }
        analysis:
          hot: { top: 25, findings: 3 }
          baseline: { mode: rolling, lookback: %s }
          regression: { window: %s, minCalls: 20, minRatio: 1.5, minExtraPerHour: 5s }
        """
        .formatted(listen, store, interval, Durations.format(poll.multipliedBy(3)), jdbcUrl,
            Durations.format(poll.multipliedBy(12)), Durations.format(poll.multipliedBy(3)));
  }

  /** The default injection time: the baseline (12 polls) plus a window (3 polls) after the start. */
  static Duration defaultRegressAfter(Duration poll) {
    return poll.multipliedBy(15);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = data != null ? data : Files.createTempDirectory("earlybird-demo-");
    Files.createDirectories(dir);
    out.println("Starting the demo in " + dir + " (an embedded PostgreSQL; the first start unpacks it) ...");
    out.flush();
    DemoFleet fleet = DemoFleet.start(dir, Duration.ofMillis(50));
    AgentConfig config;
    try {
      config = ConfigLoader.parse(config(listen, dir.resolve("earlybird.duckdb"), fleet.jdbcUrl(), interval),
          "demo config", dir, System.getenv()::get);
    } catch (ConfigException e) {
      fleet.close();
      spec.commandLine().getErr().println("earlybird demo: " + String.join("\n", e.problems()));
      return 2;
    }
    Optional<Duration> injectAfter;
    try {
      injectAfter = "never".equals(regressAfter) ? Optional.empty()
          : Optional.of(regressAfter == null ? defaultRegressAfter(config.poll().interval()) : Durations.parse(regressAfter));
    } catch (IllegalArgumentException e) {
      fleet.close();
      spec.commandLine().getErr().println("earlybird demo: --regress-after: " + e.getMessage()
          + "; expected a duration like 90s or 5m, or 'never'");
      return 2;
    }
    Agent agent;
    try {
      agent = Agent.start(config, InstantSource.system());
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
    ScheduledExecutorService injector = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-regression");
      t.setDaemon(true);
      return t;
    });
    injectAfter.ifPresent(after -> injector.schedule(() -> {
      try {
        fleet.injectRegression();
        out.println("Demo: dropped index " + DemoFleet.DROPPED_INDEX + " in tenant_" + DemoFleet.REGRESSED_TENANT
            + ": the orders-of-a-customer lookup now scans the table. Watch " + agent.url() + "findings");
      } catch (Exception e) {
        out.println("Demo: could not inject the regression: " + e.getMessage());
      }
      out.flush();
    }, after.toMillis(), TimeUnit.MILLISECONDS));
    out.println();
    out.println("Earlybird demo is running: " + agent.url());
    out.println("  fleet page      " + agent.url());
    out.println("  hot queries     " + agent.url() + "api/v1/hot-queries");
    out.println("  findings        " + agent.url() + "findings");
    out.println("  metrics         " + agent.url() + "metrics");
    out.println("Four tenant databases (" + String.join(", ", DemoFleet.TENANTS) + ") get a steady workload;");
    out.println("the agent polls every " + interval + ", so history and metrics grow from the second poll on.");
    injectAfter.ifPresent(after -> out.println("After " + Durations.format(after) + " the demo drops an index in tenant_"
        + DemoFleet.REGRESSED_TENANT + "; a regression finding follows about two analysis windows ("
        + Durations.format(config.analysis().regression().window().multipliedBy(2)) + ") later."));
    out.println("Press Ctrl+C to stop.");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      injector.shutdownNow();
      agent.close();
      try {
        fleet.close();
      } catch (Exception e) {
        // shutting down anyway
      }
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

}
