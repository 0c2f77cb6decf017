package dev.earlybird.cli;

import dev.earlybird.history.BaselineException;
import dev.earlybird.history.PinnedBaseline;
import dev.earlybird.model.TimeWindow;
import dev.earlybird.web.BaselineJson;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    subcommands = {BaselineCommand.Pin.class, BaselineCommand.ListBaselines.class, BaselineCommand.Delete.class},
    description = {
      "Pinned baselines: named windows kept to compare against later, e.g. before a migration or an upgrade "
          + "(compare with: earlybird report --against NAME).",
      "Writes go to the store file, or through the running agent (the one at `listen:` of --config, or at --url) "
          + "with its web token (--token, EARLYBIRD_WEB_TOKEN or web.token)."
    })
public final class BaselineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** {@code baseline} alone: say which subcommands there are. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ReportFailure.USAGE;
  }

  @Command(
      name = "pin",
      mixinStandardHelpOptions = true,
      versionProvider = dev.earlybird.Version.class,
      description = "Copy what every statement cost in a past window (of one target, or all) under NAME.")
  static final class Pin implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "1 to 64 letters, digits, '.', '_' or '-', e.g. before-pg17-upgrade")
    String name;

    @Option(names = "--from", required = true, paramLabel = "ISO", description = "Window start, e.g. 2026-11-20T00:00:00Z")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ISO", description = "Window end, in the past, e.g. 2026-11-21T00:00:00Z")
    String to;

    @Option(names = "--target", paramLabel = "N", description = "Only this target (default: every target)")
    String target;

    @Mixin HistoryOptions config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return HistoryCommands.run(spec, config, true, cfg -> {
        Instant start = instant("--from", from);
        Instant end = instant("--to", to);
        try {
          PinnedBaseline.validate(name, start, end, Instant.now());
        } catch (BaselineException e) {
          throw new ReportFailure(ReportFailure.USAGE, e.getMessage());
        }
        Optional<String> only = Optional.ofNullable(target).filter(t -> !t.isBlank());
        return (history, out) -> {
          BaselineJson.Baseline b = history.pin(name, only, start, end);
          out.printf("Pinned baseline %s: %d statement(s) of %s from %s to %s.%n", b.name(), b.statements(),
              b.target() == null ? "all targets" : "target " + b.target(), b.from(), b.to());
          out.println("Compare with: earlybird report --against " + b.name() + " " + config.asOption());
        };
      });
    }

    private static Instant instant(String option, String value) throws ReportFailure {
      try {
        return TimeWindow.instant(option, value);
      } catch (IllegalArgumentException e) {
        throw new ReportFailure(ReportFailure.USAGE, e.getMessage());
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = dev.earlybird.Version.class,
      description = "List the pinned baselines, newest first.")
  static final class ListBaselines implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json",
        description = "table, csv or json (the API's document); default ${DEFAULT-VALUE}.")
    String format;

    @Mixin HistoryOptions config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return HistoryCommands.run(spec, config, false, cfg -> {
        Format f = Format.parse(format);
        return (history, out) -> Reports.print(out, f, history.baselines());
      });
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      versionProvider = dev.earlybird.Version.class,
      description = "Delete a pinned baseline.")
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin HistoryOptions config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return HistoryCommands.run(spec, config, true, cfg -> (history, out) -> {
        history.delete(name);
        out.println("Deleted baseline " + name + ".");
      });
    }
  }
}
