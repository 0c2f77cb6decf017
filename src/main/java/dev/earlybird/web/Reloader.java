package dev.earlybird.web;

import dev.earlybird.config.ConfigException;

/** What {@code POST /-/reload} runs: read the config file again and apply it, as SIGHUP does. */
@FunctionalInterface
public interface Reloader {
  /** For an agent not started from a file (the demo): there is nothing to read again. */
  Reloader NONE = () -> {
    throw new ConfigException("this agent was not started with --config FILE, so there is no file to reload");
  };

  /**
   * Reads and applies the config.
   *
   * @return one line saying what changed
   * @throws ConfigException the new config is invalid (every problem, {@code file:line: key: ...}); the agent keeps
   *     running on the config it had
   */
  String reload() throws ConfigException;
}
