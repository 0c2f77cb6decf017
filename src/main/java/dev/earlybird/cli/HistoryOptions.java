package dev.earlybird.cli;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Secret;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code report} and {@code baseline} find the history: {@code --config} (its store file, or the agent at its
 * {@code listen:} while the agent holds the file), or {@code --url}, a running agent's HTTP API (a demo on any
 * port, an agent on another host), with {@code --token} for writes.
 */
final class HistoryOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML config file: reads its store, or asks the agent at its listen address")
  Path file;

  @Option(names = "--url", paramLabel = "URL",
      description = "Ask the running agent at this URL instead, e.g. http://127.0.0.1:9860/ (tenant time zones "
          + "for --date still come from --config, if given)")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:EARLYBIRD_WEB_TOKEN}",
      description = "The agent's web token, for writes through --url (default: $EARLYBIRD_WEB_TOKEN, else the "
          + "config's web.token); prefer the variable: a command line is visible to other users")
  String token;

  /** Loads the config, or the defaults when only {@code --url} is given; prints every problem and returns empty. */
  Optional<AgentConfig> load(PrintWriter err) throws ReportFailure {
    if (file == null && url == null) {
      throw new ReportFailure(ReportFailure.USAGE,
          "give --config FILE (the agent's config) or --url URL (a running agent, e.g. http://127.0.0.1:9860/)");
    }
    if (file != null) {
      return ConfigOption.load(file, err);
    }
    try {
      return Optional.of(ConfigLoader.parse("{}", "defaults", Path.of("."), name -> null));
    } catch (ConfigException e) {
      throw new IllegalStateException("the defaults are a valid config", e);
    }
  }

  /** The agent that {@code --url} names, with the token; empty without {@code --url}. */
  Optional<AgentClient> agent(AgentConfig config) throws ReportFailure {
    if (url == null) {
      return Optional.empty();
    }
    URI base;
    try {
      base = URI.create(url.endsWith("/") ? url : url + "/");
      if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new ReportFailure(ReportFailure.USAGE,
          "--url must be the agent's address like http://127.0.0.1:9860/, got '" + url + "'");
    }
    Optional<Secret> secret = token != null && !token.isBlank()
        ? Optional.of(new Secret(token.strip()))
        : config.web().token();
    return Optional.of(new AgentClient(base, secret));
  }

  /** How to name this history again on a command line, e.g. in a hint: {@code --url URL} or {@code --config FILE}. */
  String asOption() {
    return url != null ? "--url " + url : "--config " + file;
  }
}
