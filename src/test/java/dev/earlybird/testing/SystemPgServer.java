package dev.earlybird.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server started from a system installation's bin directory (e.g. Debian's {@code
 * /usr/lib/postgresql/15/bin}), for what the Maven Central binaries cannot have: extensions the distribution
 * packages, such as pg_stat_kcache. Start one with {@link #start}; {@link #close} stops it and deletes its directory
 * (so does JVM exit, if a test forgets).
 *
 * <p>{@code initdb} into a fresh directory under {@code target/pg-data}, a free port, TCP on 127.0.0.1 only (no Unix
 * socket, so nothing is written to {@code /var/run/postgresql}), trust authentication for every local connection
 * (superuser {@code postgres}), {@link PostgresServers#DEFAULT_SETTINGS} plus the caller's. As root the binaries run
 * the way {@link RootPrivileges} runs the zonky ones. Server output goes to {@code server.log} in its directory.
 */
public final class SystemPgServer implements SuperuserAccess, AutoCloseable {
  private final Path binDir;
  private final Path dir;
  private final Path dataDir;
  private final int port;
  private boolean running;

  private SystemPgServer(Path binDir, Path dir, int port) {
    this.binDir = binDir;
    this.dir = dir;
    this.dataDir = dir.resolve("data");
    this.port = port;
  }

  /**
   * Initializes and starts a server from {@code binDir} with {@code extraSettings} on top of {@link
   * PostgresServers#DEFAULT_SETTINGS} (an empty value removes a default). The caller closes it.
   *
   * @throws IllegalStateException if {@code binDir} has no {@code initdb}/{@code pg_ctl}, or the server does not start
   *     (the message holds the end of its log)
   */
  public static SystemPgServer start(Path binDir, Map<String, String> extraSettings) {
    for (String binary : List.of("initdb", "pg_ctl", "postgres")) {
      if (!Files.isExecutable(binDir.resolve(binary))) {
        throw new IllegalStateException(
            "no executable " + binDir.resolve(binary) + ": install the PostgreSQL server package for it");
      }
    }
    var server =
        new SystemPgServer(
            binDir, PostgresServers.dataRoot().resolve("system-" + PostgresServers.shortId()), freePort());
    PostgresServers.live(server, server::shutdownAndDelete);
    try {
      server.initAndStart(PostgresServers.settings(extraSettings));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    System.out.printf("[earlybird-testing] started %s%n", server);
    return server;
  }

  public int port() {
    return port;
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Stops the server (fast shutdown) and deletes its directory. */
  @Override
  public synchronized void close() {
    shutdownAndDelete();
    PostgresServers.forget(this);
  }

  private synchronized void initAndStart(Map<String, String> settings) {
    try {
      Files.createDirectories(dir);
      run(List.of(bin("initdb"), "-D", dataDir.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
          "--locale=C"));
      var conf = new StringBuilder("\n# Earlybird test harness (SystemPgServer)\n");
      conf.append("port = ").append(port).append('\n');
      conf.append("listen_addresses = '127.0.0.1'\n");
      conf.append("unix_socket_directories = ''\n");
      settings.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
      Files.writeString(dataDir.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      running = true; // from here on, close() tries to stop it
      run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", log().toString(), "-w", "-t", "120", "start"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + this, e);
    }
  }

  private synchronized void shutdownAndDelete() {
    if (running) {
      running = false;
      try {
        run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
      } catch (RuntimeException e) {
        System.err.println("[earlybird-testing] could not stop " + this + ": " + e.getMessage());
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Runs a server binary to completion; fails with its output and the server log's end if it fails. */
  private void run(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(RootPrivileges.command(command, dir))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(commandsLog().toFile()))
              .start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 180 s" + logs());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")" + logs());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  private String logs() {
    var out = new ArrayList<String>();
    for (Path p : List.of(commandsLog(), log())) {
      try {
        List<String> lines = Files.readAllLines(p);
        out.add("\n--- end of " + p + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      } catch (IOException e) {
        // no such log yet
      }
    }
    return String.join("", out);
  }

  private Path log() {
    return dir.resolve("server.log");
  }

  /** What initdb and pg_ctl printed. */
  private Path commandsLog() {
    return dir.resolve("commands.log");
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL from " + binDir + " on port " + port + " in " + dir;
  }
}
