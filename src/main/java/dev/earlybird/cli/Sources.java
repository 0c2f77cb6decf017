package dev.earlybird.cli;

import dev.earlybird.Agent;
import dev.earlybird.StoreReports;
import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.history.HistoryException;
import dev.earlybird.history.StoreInUseException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the history for a command: the store file when this process can have it (read-only for reports),
 * else the running agent at the config's {@code listen} address, saying so in one line on stderr. DuckDB lets
 * one process open a file read-write and nobody else at the same time, and the agent keeps it open. A PostgreSQL
 * store is read directly next to its agent; changes to it (pins) go through the agent, its one writer.
 */
final class Sources {
  private Sources() {}

  static ReportSource open(AgentConfig config, boolean write, PrintWriter err) throws ReportFailure {
    if (config.store() instanceof StoreConfig.Postgres p) {
      if (!write) {
        try {
          return StoreReports.openPostgres(p.jdbcUrl(), p.toString(), config.tenants(), config.analysis().baseline());
        } catch (HistoryException e) {
          throw new ReportFailure(ReportFailure.RUNTIME, e.getMessage());
        }
      }
      // One agent writes a shared store; changes go through it.
      return agentInstead(config, "the PostgreSQL store " + p + " is written by its agent", err);
    }
    Path file = ((StoreConfig.DuckDb) config.store()).file().toAbsolutePath();
    String why;
    if (!Files.exists(file)) {
      why = "there is no history store at " + file;
    } else {
      try {
        return StoreReports.open(file, write, config.tenants(), config.analysis().baseline());
      } catch (StoreInUseException e) {
        why = "the history store " + file + " is in use by another process";
      } catch (HistoryException e) {
        throw new ReportFailure(ReportFailure.RUNTIME, e.getMessage());
      }
    }
    return agentInstead(config, why, err);
  }

  /** The running agent at the config's {@code listen} address, when the store cannot be read here ({@code why}). */
  private static ReportSource agentInstead(AgentConfig config, String why, PrintWriter err) throws ReportFailure {
    Optional<AgentClient> agent = agent(config);
    if (agent.isEmpty()) {
      throw new ReportFailure(ReportFailure.RUNTIME, why + ", and the config's listen address has port 0, so the "
          + "running agent cannot be found; give `listen:` a fixed port, or run this where the store is");
    }
    Optional<String> notAnswering = agent.get().whyNotAnswering();
    if (notAnswering.isPresent()) {
      agent.get().close();
      throw new ReportFailure(ReportFailure.RUNTIME, why + ", and no Earlybird agent answers at " + agent.get().base()
          + " (" + notAnswering.get() + "). Start the agent with this config (earlybird run --config FILE), or run "
          + "this command in the agent's working directory with the agent's config (`store:` and `listen:`).");
    }
    err.println("earlybird: " + why + "; asking the running agent at " + agent.get().base() + " instead");
    err.flush();
    return agent.get();
  }

  /** The agent that {@code --url} names, once it answers like an Earlybird agent. */
  static AgentClient answering(AgentClient agent) throws ReportFailure {
    Optional<String> notAnswering = agent.whyNotAnswering();
    if (notAnswering.isPresent()) {
      agent.close();
      throw new ReportFailure(ReportFailure.RUNTIME, "no Earlybird agent answers at " + agent.base() + " ("
          + notAnswering.get() + "); check --url (the demo and `earlybird run` print theirs when they start)");
    }
    return agent;
  }

  private static Optional<AgentClient> agent(AgentConfig config) {
    if (config.listen().port() == 0) {
      return Optional.empty();
    }
    URI base = URI.create(Agent.localUrl(config.listen().host(), config.listen().port()) + config.web().belowRoot());
    return Optional.of(new AgentClient(base, config.web().token()));
  }
}
