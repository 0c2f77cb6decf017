package dev.earlybird.cli;

import dev.earlybird.config.AgentConfig;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code report} and the {@code baseline} commands share: load the config, check the options (before
 * anything is opened), open the history (store or agent), run, and turn failures into a message and an exit
 * code: 0 ok, 2 bad options or config or a refused request, 1 the history could not be reached.
 */
final class HistoryCommands {
  private HistoryCommands() {}

  /** Checks a command's options against the config; returns the work to do with the history. */
  interface Check {
    Work check(AgentConfig config) throws ReportFailure;
  }

  interface Work {
    void run(ReportSource history, PrintWriter out) throws ReportFailure;
  }

  static int run(CommandSpec spec, HistoryOptions options, boolean write, Check check) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Optional<AgentConfig> loaded = options.load(err);
      if (loaded.isEmpty()) {
        return ReportFailure.USAGE;
      }
      Work work = check.check(loaded.get());
      Optional<AgentClient> agent = options.agent(loaded.get());
      try (ReportSource history =
          agent.isPresent() ? Sources.answering(agent.get()) : Sources.open(loaded.get(), write, err)) {
        work.run(history, out);
      }
      out.flush();
      return 0;
    } catch (ReportFailure e) {
      out.flush();
      err.println(spec.qualifiedName(" ") + ": " + e.getMessage());
      err.flush();
      return e.exitCode();
    }
  }
}
