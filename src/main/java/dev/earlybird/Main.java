package dev.earlybird;

import dev.earlybird.cli.BaselineCommand;
import dev.earlybird.cli.CheckCommand;
import dev.earlybird.cli.CopyStoreCommand;
import dev.earlybird.cli.DemoCommand;
import dev.earlybird.cli.HealthcheckCommand;
import dev.earlybird.cli.ReportCommand;
import dev.earlybird.cli.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code earlybird} command line. Exit codes: 0 ok, 1 a check, run or report failed, 2 bad config or usage
 * (or a request the store refuses, like a baseline name that is taken).
 */
@Command(
    name = "earlybird",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Watches query performance across PostgreSQL fleets.",
    subcommands = {
      RunCommand.class, CheckCommand.class, ReportCommand.class, BaselineCommand.class, DemoCommand.class,
      HealthcheckCommand.class, CopyStoreCommand.class, CommandLine.HelpCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Earlybird's exit codes, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    // Help as wide as the terminal (80 columns where it cannot be told), on every subcommand.
    return new CommandLine(new Main()).setExitCodeExceptionMapper(e -> 2).setUsageHelpAutoWidth(true);
  }
}
