package dev.earlybird.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real PostgreSQL servers for integration tests, one major at a time, several majors side by side in one JVM.
 *
 * <p>Every server preloads pg_stat_statements ({@code track=all}), has {@code track_io_timing=on}, small memory
 * settings, and {@code CREATE EXTENSION pg_stat_statements} done in database {@code postgres}. See {@link
 * RootPrivileges} for how this works when the build runs as root.
 *
 * <ul>
 *   <li>{@link #shared(int)}: one server per major for the whole JVM, started on first use and stopped at exit.
 *       Read-mostly: tests must not stop it, reset pg_stat_statements or change settings; use their own database
 *       names so they do not see each other's statements.
 *   <li>{@link #dedicated(int, Map)}: a server only for the caller (stop/start/break it, reset statistics, other
 *       settings); the caller closes it, which deletes its data directory.
 * </ul>
 */
public final class PostgresServers {
  /** Settings of every server; {@link #dedicated} can override or (with an empty value) remove each. */
  public static final Map<String, String> DEFAULT_SETTINGS = defaults();

  private static final Map<Integer, PgServer> SHARED = new ConcurrentHashMap<>();
  /**
   * Every server not yet closed (shared, dedicated, or a {@link SystemPgServer}) with what stops it and deletes its
   * data: run at JVM exit, one after the other.
   */
  private static final Map<Object, Runnable> LIVE = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> LIVE.forEach((server, shutdownAndDelete) -> {
                  try {
                    shutdownAndDelete.run();
                  } catch (RuntimeException e) {
                    System.err.println("[earlybird-testing] could not stop " + server + ": " + e);
                  }
                }),
                "earlybird-pg-shutdown"));
  }

  private PostgresServers() {}

  /** The JVM-wide server of {@code major}, started if needed. Do not stop, reset or reconfigure it. */
  public static PgServer shared(int major) {
    return SHARED.computeIfAbsent(
        major,
        m -> {
          var server = new PgServer(m, dataRoot().resolve("shared-" + m + "-" + shortId()), DEFAULT_SETTINGS, true);
          live(server, server::shutdownAndDelete);
          server.start();
          System.out.printf("[earlybird-testing] started shared %s in %d ms%n", server, server.lastStartup().toMillis());
          return server;
        });
  }

  /** A started server of {@code major} with the default settings. The caller closes it. */
  public static PgServer dedicated(int major) {
    return dedicated(major, Map.of());
  }

  /**
   * A started server of {@code major} with {@code extraSettings} on top of {@link #DEFAULT_SETTINGS}; an empty value
   * removes a default (e.g. {@code Map.of("shared_preload_libraries", "")} for a server without pg_stat_statements).
   * The caller closes it.
   */
  public static PgServer dedicated(int major, Map<String, String> extraSettings) {
    var server =
        new PgServer(major, dataRoot().resolve("dedicated-" + major + "-" + shortId()), settings(extraSettings), false);
    live(server, server::shutdownAndDelete);
    server.start();
    System.out.printf("[earlybird-testing] started %s in %d ms%n", server, server.lastStartup().toMillis());
    return server;
  }

  /** {@link #DEFAULT_SETTINGS} with {@code extraSettings} on top; an empty value removes a default. */
  static Map<String, String> settings(Map<String, String> extraSettings) {
    var settings = new LinkedHashMap<>(DEFAULT_SETTINGS);
    extraSettings.forEach(
        (k, v) -> {
          if (v == null || v.isEmpty()) {
            settings.remove(k);
          } else {
            settings.put(k, v);
          }
        });
    return settings;
  }

  /** Stops and deletes {@code server} at JVM exit unless it is {@link #forget forgotten} first. */
  static void live(Object server, Runnable shutdownAndDelete) {
    LIVE.put(server, shutdownAndDelete);
  }

  static void forget(Object server) {
    LIVE.remove(server);
  }

  /** {@code target/pg-data}, next to the binaries directory. */
  static Path dataRoot() {
    return PgBinaries.directory().resolveSibling("pg-data");
  }

  /** A fresh name for a server's directory under {@link #dataRoot()}. */
  static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static Map<String, String> defaults() {
    var s = new LinkedHashMap<String, String>();
    s.put("shared_preload_libraries", "pg_stat_statements");
    s.put("pg_stat_statements.track", "all");
    s.put("track_io_timing", "on");
    s.put("password_encryption", "scram-sha-256");
    // Small: up to a dozen servers may run at once on a 2-core CI machine.
    s.put("shared_buffers", "16MB");
    s.put("max_connections", "40");
    s.put("work_mem", "2MB");
    s.put("maintenance_work_mem", "16MB");
    s.put("max_wal_size", "64MB");
    s.put("min_wal_size", "32MB");
    s.put("max_worker_processes", "4");
    s.put("synchronous_commit", "off");
    s.put("jit", "off");
    return java.util.Collections.unmodifiableMap(s);
  }
}
