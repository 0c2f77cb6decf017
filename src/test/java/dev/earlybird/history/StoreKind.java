package dev.earlybird.history;

import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stores every store test runs against: the embedded DuckDB file, and a database of its own on a real PostgreSQL
 * (the JVM's shared server). A test's directory names its store, so opening the same directory again reopens the same
 * store (a restart), on either.
 */
public enum StoreKind {
  DUCKDB {
    @Override
    public JdbcHistoryStore open(Path dir, InstantSource clock) {
      return DuckDbHistoryStore.open(dir.resolve("store.duckdb"), clock);
    }

    @Override
    public String locator(Path dir) {
      return dir.resolve("store.duckdb").toString();
    }
  },
  POSTGRES {
    @Override
    public JdbcHistoryStore open(Path dir, InstantSource clock) {
      return CrashWriterMain.open(locator(dir), clock);
    }

    @Override
    public String locator(Path dir) {
      PgServer pg = PostgresServers.shared(PG_MAJOR);
      String db = DATABASES.computeIfAbsent(dir.toAbsolutePath(), d -> {
        String name = "store_" + NEXT.incrementAndGet();
        pg.createDatabase(name);
        return name;
      });
      return pg.jdbcUrl(db) + "?user=postgres";
    }
  };

  /** The store server's major version: what a team runs today. */
  static final int PG_MAJOR = 17;
  private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT = new AtomicInteger();

  /** Opens (creating on first use) the store of {@code dir}. */
  public abstract JdbcHistoryStore open(Path dir, InstantSource clock);

  /** What names the store of {@code dir} to another process: its file, or its URL. */
  public abstract String locator(Path dir);

  public JdbcHistoryStore open(Path dir) {
    return open(dir, InstantSource.system());
  }

  /**
   * Makes the store of {@code to} a copy of the (closed) store of {@code from}: a test's own copy of a history written
   * once for the class.
   */
  public void copy(Path from, Path to) {
    switch (this) {
      case DUCKDB -> {
        try {
          java.nio.file.Files.copy(from.resolve("store.duckdb"), to.resolve("store.duckdb"));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      case POSTGRES -> {
        PgServer pg = PostgresServers.shared(PG_MAJOR);
        String template = DATABASES.get(from.toAbsolutePath());
        String name = "store_" + NEXT.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + name + " TEMPLATE " + template);
        DATABASES.put(to.toAbsolutePath(), name);
      }
    }
  }
}
