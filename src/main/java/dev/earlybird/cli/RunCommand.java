package dev.earlybird.cli;

import dev.earlybird.Agent;
import dev.earlybird.Replicas;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Durations;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.model.Shard;
import dev.earlybird.web.AddressInUseException;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code earlybird run}: starts the agent and runs until the JVM is asked to stop. SIGTERM (docker stop, Kubernetes,
 * systemd) and SIGINT (Ctrl+C) run the shutdown hook, which stops the agent gracefully ({@link Agent#close()}). The
 * process then exits with 143 (128 + SIGTERM; 130 for SIGINT), the status the JVM gives a signalled exit and that
 * container runtimes expect from a stopped container; the log's last line says whether the stop was graceful.
 *
 * <p>SIGHUP reloads the config file ({@link Agent#reload()}); an invalid file leaves the agent on the config it had.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    description = "Run the agent: poll every target, keep history, serve the UI, API and /metrics.")
public final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--shard", paramLabel = "INDEX/COUNT",
      description = "This replica's shard, when several share a PostgreSQL store: 0/2 is the first of two. Without it, "
          + "`shards: COUNT` in the config takes the index from the end of the host name (a StatefulSet pod's).")
  String shard;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Optional<AgentConfig> loaded = config.load(err);
    if (loaded.isEmpty()) {
      return 2;
    }
    Optional<String> idle = nothingToPoll(loaded.get());
    if (idle.isPresent()) {
      err.println("earlybird: invalid config " + config.file + ":");
      err.println("  " + idle.get());
      err.flush();
      return 2;
    }
    int shards = loaded.get().store() instanceof StoreConfig.Postgres p ? p.shards() : 1;
    if (shard != null && !(loaded.get().store() instanceof StoreConfig.Postgres)) {
      err.println("earlybird run: --shard needs a shared store, but the store is " + loaded.get().store() + "; set "
          + "`store: jdbc:postgresql://host:5432/earlybird` in " + config.file + " (an embedded DuckDB file has one "
          + "writer), or drop --shard");
      err.flush();
      return 2;
    }
    String host = Replicas.hostName();
    Shard me;
    try {
      me = Replicas.shard(Optional.ofNullable(shard), shards, host);
    } catch (IllegalArgumentException e) {
      err.println("earlybird run: " + e.getMessage());
      err.flush();
      return 2;
    }
    Agent agent;
    try {
      agent = Agent.start(loaded.get(), InstantSource.system(), () -> ConfigLoader.load(config.file), me,
          Replicas.name(host, me, shard != null));
    } catch (AddressInUseException e) {
      err.println("earlybird run: " + e.getMessage() + "; stop that process, or give the config's `listen` key "
          + "another address (e.g. listen: \"127.0.0.1:9861\")");
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // Not a static field: every command line (even a container's healthcheck probe) would start logging for it.
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Earlybird is stopping (SIGTERM, SIGINT or exit): no new polls; waiting up to {} for those in flight",
          Durations.format(Agent.STOP_GRACE));
      agent.close();
      stopped.countDown();
    }, "shutdown"));
    // SIGHUP reloads the config, as it does for Prometheus; without a handler the JVM would exit on it.
    // The reload logs its one line (what changed, or every problem of an invalid file).
    Signal.handle(new Signal("HUP"), signal -> agent.reloadQuietly());
    stopped.await();
    return 0;
  }

  /**
   * Why an agent with this config would have nothing to do, if so: no static targets and no discovery. {@code check}
   * and the reports accept such a file (they may only read the store); an agent that polls nothing is a mistake.
   */
  static Optional<String> nothingToPoll(AgentConfig config) {
    if (!config.targets().isEmpty() || config.discovery().isPresent()) {
      return Optional.empty();
    }
    return Optional.of("targets: none, and no discovery: the agent would poll nothing; add a `targets:` list (each "
        + "with name and url, e.g. - { name: main, url: \"jdbc:postgresql://db.example.com:5432/postgres\", user: "
        + "earlybird }) or a `discovery:` section to find RDS/Aurora instances");
  }
}
