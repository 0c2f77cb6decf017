package dev.earlybird.cli;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.ConfigException;
import dev.earlybird.config.ConfigLoader;
import dev.earlybird.config.Durations;
import dev.earlybird.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code earlybird healthcheck}: asks a running agent's {@code /-/healthy} and exits 0 if it answers 200, else 1.
 * The container image's HEALTHCHECK runs it, so the probe needs nothing but the JRE the agent runs on (no curl or
 * wget, which slim and distroless images lack). Exit codes follow Docker's: 1 means unhealthy; 2 is only a
 * wrong command line. It starts no logging and touches no store: a probe must be cheap and never disturb the agent.
 */
@Command(
    name = "healthcheck",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    description = {
      "Exit 0 if the agent answers GET /-/healthy with 200, else 1 (for container and orchestrator health checks).",
      "The agent is found at --url, at the 'listen' address of --config (0.0.0.0 is asked on 127.0.0.1), or at "
          + "http://127.0.0.1:9860/."
    })
public final class HealthcheckCommand implements Callable<Integer> {
  static final HostPort DEFAULT = new HostPort("127.0.0.1", 9860);
  static final String PATH = "-/healthy";

  /** Where the agent is: one of these, or {@link #DEFAULT}. */
  static final class Where {
    @Option(names = "--url", paramLabel = "URL", description = "the agent's base URL, e.g. http://127.0.0.1:9860/")
    URI url;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "probe the 'listen' address of this config")
    Path config;
  }

  @ArgGroup(exclusive = true)
  Where where;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
      description = "connect and answer timeout (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Spec CommandSpec spec;

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI probe;
    try {
      probe = base().resolve(PATH);
    } catch (ConfigException e) {
      err.println("unhealthy: cannot tell where the agent listens: invalid config " + where.config + ":");
      e.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return 1;
    }
    try {
      int status = status(probe);
      if (status == 200) {
        out.println("healthy: " + probe + " answered 200");
        out.flush();
        return 0;
      }
      err.println("unhealthy: " + probe + " answered " + status);
    } catch (IOException e) {
      err.println("unhealthy: " + probe + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    err.flush();
    return 1;
  }

  private URI base() throws ConfigException {
    if (where != null && where.url != null) {
      String u = where.url.toString();
      return URI.create(u.endsWith("/") ? u : u + "/");
    }
    if (where != null && where.config != null) {
      AgentConfig config = ConfigLoader.load(where.config);
      return URI.create(config.listen().localUrl() + config.web().belowRoot());
    }
    return URI.create(DEFAULT.localUrl());
  }

  /**
   * GET with plain HttpURLConnection: loads far fewer classes than java.net.http, and a probe runs every 30 s.
   * Never through a proxy: the agent is local.
   */
  private int status(URI probe) throws IOException {
    var c = (HttpURLConnection) probe.toURL().openConnection(Proxy.NO_PROXY);
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    c.setConnectTimeout(ms);
    c.setReadTimeout(ms);
    c.setInstanceFollowRedirects(false);
    try {
      int status = c.getResponseCode();
      try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return status;
    } finally {
      c.disconnect();
    }
  }
}
