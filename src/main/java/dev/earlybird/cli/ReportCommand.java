package dev.earlybird.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    sortOptions = false,
    // One paragraph per element: picocli wraps each to the terminal width.
    description = {
      "The hot-query list from the history: statements ranked by CPU over a window (default: the last 24 h), "
          + "with calls, total and mean time, CPU and share of the target's CPU.",
      "With --against NAME: the window compared with a pinned baseline, per statement, worst changes of time "
          + "per call first.",
      "Reads the store file of --config; while the agent runs (and holds the file) it asks the agent at `listen:`. "
          + "With --url it asks the agent at that URL (a demo, an agent elsewhere)."
    })
public final class ReportCommand implements Callable<Integer> {
  @Mixin HistoryOptions config;
  @Mixin QueryOptions query;

  @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json",
      description = "table (for people), csv (every field, full query text) or json (the API's document); default ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--against", paramLabel = "NAME",
      description = "Compare the window with this pinned baseline (see: earlybird baseline list).")
  String against;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return HistoryCommands.run(spec, config, false, cfg -> {
      Format f = Format.parse(format);
      // Whole milliseconds: the window is printed back, and nanoseconds of "now" are noise there.
      ReportQuery q = query.resolve(cfg.tenants(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
      return (history, out) -> {
        if (against == null) {
          Reports.print(out, f, history.hotQueries(q));
        } else {
          Reports.print(out, f, history.compare(against, q));
        }
      };
    });
  }
}
