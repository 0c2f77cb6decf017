package dev.earlybird.cli;

import dev.earlybird.config.AgentConfig;
import dev.earlybird.config.StoreConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.HistoryException;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.PostgresHistoryStore;
import dev.earlybird.history.StoreCopy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code earlybird copy-store}: moves the history of an embedded store into a new PostgreSQL store, so a team moving
 * to a shared store keeps its baselines, findings and alerts. The agent must be stopped (the file has one user).
 */
@Command(
    name = "copy-store",
    mixinStandardHelpOptions = true,
    versionProvider = dev.earlybird.Version.class,
    description = {
      "Copy the history of the config's embedded store (a DuckDB file) into a new, empty PostgreSQL store, in one "
          + "transaction: all of it or, on failure, nothing.",
      "Stop the agent first. Then point the config's `store:` at the new store and start it again."
    })
public final class CopyStoreCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--to", required = true, paramLabel = "STORE",
      description = "The new store: a config file whose `store:` is the PostgreSQL URL (so its password can come from "
          + "${env:...} or ${file:...}), or the URL itself.")
  String to;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<AgentConfig> loaded = config.load(err);
    if (loaded.isEmpty()) {
      return 2;
    }
    if (!(loaded.get().store() instanceof StoreConfig.DuckDb source)) {
      return refuse(err, "the store of " + config.file + " is " + loaded.get().store() + ", not an embedded file; "
          + "copy-store copies a DuckDB store into PostgreSQL");
    }
    Optional<StoreConfig.Postgres> target = target(err);
    if (target.isEmpty()) {
      return 2;
    }
    try (JdbcHistoryStore from = DuckDbHistoryStore.openReadOnly(source.file());
        JdbcHistoryStore into = PostgresHistoryStore.open(target.get().jdbcUrl(), target.get().toString(),
            InstantSource.system())) {
      out.printf("copying %s into %s, in one transaction%n", source, target.get());
      out.flush();
      long started = System.nanoTime();
      List<StoreCopy.Copied> copied = StoreCopy.copy(from, into, c -> {
        out.printf(Locale.ROOT, "  %-28s %,12d rows  %6.1f s%n", c.table(), c.rows(), c.took().toMillis() / 1000.0);
        out.flush();
      });
      long rows = copied.stream().mapToLong(StoreCopy.Copied::rows).sum();
      out.printf(Locale.ROOT, "copied %,d rows of %d tables in %.1f s; row counts match the source. Now set%n"
          + "  store: \"%s\"%nin the config (with the password from ${env:...} or ${file:...}) and start the agent.%n",
          rows, copied.size(), (System.nanoTime() - started) / 1e9, target.get());
      out.flush();
      return 0;
    } catch (HistoryException e) {
      return refuse(err, e.getMessage());
    }
  }

  /** The new store, from a config file's {@code store:} or a URL; empty after saying what is wrong. */
  private Optional<StoreConfig.Postgres> target(PrintWriter err) {
    StoreConfig store;
    if (to.endsWith(".yml") || to.endsWith(".yaml")) {
      Optional<AgentConfig> other = ConfigOption.load(Path.of(to), err);
      if (other.isEmpty()) {
        return Optional.empty();
      }
      store = other.get().store();
    } else {
      try {
        store = StoreConfig.parse(to);
      } catch (IllegalArgumentException e) {
        refuse(err, "--to: " + e.getMessage());
        return Optional.empty();
      }
    }
    if (store instanceof StoreConfig.Postgres p) {
      return Optional.of(p);
    }
    refuse(err, "--to names " + store + ", not a PostgreSQL store; give jdbc:postgresql://host:5432/earlybird, or a "
        + "config file whose store: is one");
    return Optional.empty();
  }

  private static int refuse(PrintWriter err, String why) {
    err.println("earlybird copy-store: " + why);
    err.flush();
    return 2;
  }
}
