package dev.earlybird.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One real PostgreSQL server started from the zonky binaries of one major, on its own port and data directory
 * under {@code target/pg-data/}. Get one from {@link PostgresServers}.
 *
 * <p>Authentication: the superuser {@code postgres} logs in without a password (trust). Roles made with {@link
 * #createLoginRole} must give their password over TCP ({@code scram-sha-256}), so authentication failures can be
 * tested: pg_hba matches them through membership of {@value #PASSWORD_GROUP}.
 *
 * <p>Server output (PostgreSQL's log) goes to {@code <dataDir>.log}, not to the test log.
 */
public final class PgServer implements SuperuserAccess, AutoCloseable {
  /** Members of this role must authenticate with a password (see {@link #createLoginRole}). */
  public static final String PASSWORD_GROUP = "earlybird_password_login";

  private static final String HBA =
      """
      # Written by the Earlybird test harness (PgServer).
      local all all trust
      host  all +%1$s 127.0.0.1/32 scram-sha-256
      host  all +%1$s ::1/128      scram-sha-256
      host  all all   127.0.0.1/32 trust
      host  all all   ::1/128      trust
      """
          .formatted(PASSWORD_GROUP);

  private final int major;
  private final Path dataDir;
  private final Map<String, String> settings;
  private final boolean shared;
  private EmbeddedPostgres pg;
  private int port;
  private Duration lastStartup = Duration.ZERO;

  PgServer(int major, Path dataDir, Map<String, String> settings, boolean shared) {
    this.major = major;
    this.dataDir = dataDir;
    this.settings = new LinkedHashMap<>(settings);
    this.shared = shared;
  }

  public int major() {
    return major;
  }

  /** The full binaries version, e.g. "17.11.0". */
  public String binariesVersion() {
    return PgBinaries.versionOf(major);
  }

  public int port() {
    return port;
  }

  public Path dataDirectory() {
    return dataDir;
  }

  /** How long the last {@link #start()} took (initdb included on the first). */
  public Duration lastStartup() {
    return lastStartup;
  }

  public synchronized boolean running() {
    return pg != null;
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  /** Creates {@code name} unless it exists, with pg_stat_statements installed in it when preloaded. */
  public void createDatabase(String name) {
    synchronized (this) {
      try (Connection c = superuser("postgres");
          Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")) {
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + quoteIdent(name));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("create database " + name + " on PostgreSQL " + major, e);
      }
    }
    if (settings.getOrDefault("shared_preload_libraries", "").contains("pg_stat_statements")) {
      execute(name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    }
  }

  /**
   * Creates (or re-creates) a login role that must authenticate with {@code password} over TCP, granted the given
   * roles (e.g. {@code pg_read_all_stats}). Drop it with {@code DROP ROLE} if a test needs it gone.
   */
  public void createLoginRole(String name, String password, String... grantedRoles) {
    String role = quoteIdent(name);
    execute(
        "postgres",
        "DROP ROLE IF EXISTS " + role,
        "CREATE ROLE " + role + " LOGIN PASSWORD '" + password.replace("'", "''") + "' IN ROLE " + PASSWORD_GROUP);
    for (String granted : grantedRoles) {
      execute("postgres", "GRANT " + quoteIdent(granted) + " TO " + role);
    }
  }

  /**
   * Starts the server: initdb on first start, then the postmaster on the same data directory and port as before
   * (so a target's URL stays valid across a {@link #stop()}/{@code start()} fault test).
   */
  public synchronized void start() {
    if (pg != null) {
      return;
    }
    long t0 = System.nanoTime();
    boolean first = !Files.exists(dataDir.resolve("postgresql.conf"));
    try {
      Files.createDirectories(dataDir.getParent());
      Redirect log = Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile());
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPgBinaryResolver(PgBinaries.resolver(major))
              .setDataDirectory(dataDir)
              // We delete the directory ourselves in close(): stop() must keep it for the next start().
              .setCleanDataDirectory(false)
              // PostgresServers' single hook stops, then deletes; zonky's own hook would race that delete.
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(120))
              .setOutputRedirector(log)
              .setErrorRedirector(log)
              .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
      if (port != 0) {
        builder.setPort(port);
      }
      settings.forEach(builder::setServerConfig);
      pg = builder.start();
      port = pg.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL " + major + " in " + dataDir, e);
    }
    if (first) {
      execute("postgres", "CREATE ROLE " + PASSWORD_GROUP + " NOLOGIN");
      if (settings.getOrDefault("shared_preload_libraries", "").contains("pg_stat_statements")) {
        execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      }
    }
    lastStartup = Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Stops the postmaster (fast shutdown), keeping data directory and port for {@link #start()}. */
  public synchronized void stop() {
    requireDedicated("stop");
    halt();
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public synchronized void close() {
    requireDedicated("close");
    shutdownAndDelete();
    PostgresServers.forget(this);
  }

  synchronized void shutdownAndDelete() {
    halt();
    deleteRecursively(dataDir);
  }

  private void halt() {
    if (pg == null) {
      return;
    }
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop PostgreSQL " + major, e);
    } finally {
      pg = null;
    }
  }

  private void requireDedicated(String what) {
    if (shared) {
      throw new IllegalStateException(
          "cannot " + what + " a shared server; use PostgresServers.dedicated(...) for fault tests");
    }
  }

  private static void writeHba(Path dir) {
    try {
      Files.writeString(dir.resolve("pg_hba.conf"), HBA);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  @Override
  public String toString() {
    return "PostgreSQL " + major + " on port " + port + (shared ? " (shared)" : " (dedicated)");
  }
}
