package dev.earlybird.cli;

import dev.earlybird.Agent;
import dev.earlybird.config.AgentConfig;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    description = "Run the agent: poll every target, keep history, serve the UI, API and /metrics.")
public final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Optional<AgentConfig> loaded = config.load(spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return 2;
    }
    Agent agent = Agent.start(loaded.get(), InstantSource.system());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }
}
