package dev.earlybird.cli;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands, and loading it with errors on stderr. */
final class ConfigOption {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML config file")
  Path file;

  /** Loads the config, or prints every problem (file:line: key: ...) and returns empty. */
  Optional<AgentConfig> load(PrintWriter err) {
    return load(file, err);
  }

  static Optional<AgentConfig> load(Path file, PrintWriter err) {
    try {
      return Optional.of(ConfigLoader.load(file));
    } catch (ConfigException e) {
      err.println("earlybird: invalid config " + file + ":");
      e.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return Optional.empty();
    }
  }
}
