package dev.earlybird.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}, {@value #BINARY}) in front of one {@link PgServer}, with its own
 * config in a directory of its own, listening on a free loopback port. Configured as a typical production pooler:
 * {@code ignore_startup_parameters = extra_float_digits} only (so a client sending {@code options} is refused, as
 * in production), SCRAM authentication against an auth file, every database of the server reachable under its
 * own name. PgBouncer refuses to run as root; it runs the way the harness runs PostgreSQL ({@link RootPrivileges}).
 */
public final class PgBouncer implements AutoCloseable {
  static final String BINARY = "/usr/sbin/pgbouncer";

  /** PgBouncer's {@code pool_mode}s. */
  public enum PoolMode {
    SESSION,
    TRANSACTION;

    String setting() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Path dir;
  private final int port;
  private final Process process;

  private PgBouncer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts PgBouncer in {@code mode} in front of {@code server}. {@code users} maps each login role allowed through
   * to its password (PgBouncer logs in to the server with the same; make the roles with {@link
   * PgServer#createLoginRole}). The caller closes it.
   */
  public static PgBouncer start(PgServer server, PoolMode mode, Map<String, String> users) {
    Path dir = PostgresServers.dataRoot().resolve("pgbouncer-" + PostgresServers.shortId());
    try {
      Files.createDirectories(dir);
      int port = freePort();
      Path auth = dir.resolve("userlist.txt");
      var lines = new ArrayList<String>();
      users.forEach((user, password) -> lines.add(quoted(user) + " " + quoted(password)));
      Files.write(auth, lines);
      Path config = dir.resolve("pgbouncer.ini");
      Files.writeString(config, """
          ; Written by the Earlybird test harness (PgBouncer.java).
          [databases]
          * = host=127.0.0.1 port=%d

          [pgbouncer]
          listen_addr = 127.0.0.1
          listen_port = %d
          unix_socket_dir =
          auth_type = scram-sha-256
          auth_file = %s
          pool_mode = %s
          ignore_startup_parameters = extra_float_digits
          max_client_conn = 100
          default_pool_size = 5
          logfile = %s
          """.formatted(server.port(), port, auth, mode.setting(), dir.resolve("pgbouncer.log")));
      List<String> command = RootPrivileges.command(List.of(BINARY, config.toString()), dir, auth, config);
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(dir.resolve("pgbouncer.out").toFile()))
          .start();
      var bouncer = new PgBouncer(dir, port, process);
      PostgresServers.live(bouncer, bouncer::stopAndDelete);
      try {
        await("PgBouncer listening on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
            .until(() -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("PgBouncer exited: " + bouncer.log());
              }
              return accepts(port);
            });
      } catch (RuntimeException e) {
        bouncer.close();
        throw e;
      }
      return bouncer;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PgBouncer in " + dir, e);
    }
  }

  public int port() {
    return port;
  }

  /** The URL of {@code database} through this PgBouncer. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** What PgBouncer logged so far, for failure messages. */
  public String log() {
    try {
      StringBuilder sb = new StringBuilder();
      for (String f : List.of("pgbouncer.out", "pgbouncer.log")) {
        Path p = dir.resolve(f);
        if (Files.exists(p)) {
          sb.append(Files.readString(p));
        }
      }
      return sb.toString();
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stopAndDelete();
    PostgresServers.forget(this);
  }

  private void stopAndDelete() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover directory under target/ is harmless
    }
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (var s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "PgBouncer on port " + port;
  }
}
