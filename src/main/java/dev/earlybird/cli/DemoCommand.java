package dev.earlybird.cli;

import dev.earlybird.Agent;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.demo.DemoFleet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  @Spec CommandSpec spec;

  /** The demo's config, as YAML, so it goes through the same validation as a user's. */
  static String config(String listen, Path store, String jdbcUrl, String interval) {
    return """
        listen: "%s"
        store: "duckdb:%s"
        poll: { interval: %s, textRefresh: 30s }
        targets:
          - name: demo
            url: "%s"
            user: postgres
        tenants:
          pattern: "^tenant_(?<tenant>.+)$"
          defaults: { timezone: America/New_York, workdayStart: "07:00" }
          overrides: { acme: { timezone: Europe/London } }
        """
        .formatted(listen, store, interval, jdbcUrl);
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
    Agent agent;
    try {
      agent = Agent.start(config, InstantSource.system());
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
    out.println();
    out.println("Earlybird demo is running: " + agent.url());
    out.println("  fleet page      " + agent.url());
    out.println("  hot queries     " + agent.url() + "api/v1/hot-queries");
    out.println("  metrics         " + agent.url() + "metrics");
    out.println("Four tenant databases (" + String.join(", ", DemoFleet.TENANTS) + ") get a steady workload;");
    out.println("the agent polls every " + interval + ", so history and metrics grow from the second poll on.");
    out.println("Press Ctrl+C to stop.");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
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
