package dev.earlybird.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL (the Maven Central binaries the tests use) with pg_stat_statements preloaded and
 * {@code track_io_timing} on, a few same-schema tenant databases, and a workload against them.
 */
public final class DemoFleet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoFleet.class);
  public static final List<String> TENANTS = List.of("acme", "globex", "initech", "umbrella");

  private final EmbeddedPostgres postgres;
  private final DemoWorkload workload;

  private DemoFleet(EmbeddedPostgres postgres, DemoWorkload workload) {
    this.postgres = postgres;
    this.workload = workload;
  }

  /** Starts PostgreSQL in {@code dataDir}, creates the tenants (if new) and starts the workload. */
  public static DemoFleet start(Path dataDir, Duration workloadPause) throws IOException, SQLException {
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir.resolve("postgres"))
            .setCleanDataDirectory(false)
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("track_io_timing", "on")
            .setServerConfig("pg_stat_statements.track", "all")
            .setServerConfig("shared_buffers", "64MB")
            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
            .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      List<String> urls = new ArrayList<>();
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        for (int i = 0; i < TENANTS.size(); i++) {
          String db = "tenant_" + TENANTS.get(i);
          var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'");
          boolean exists = rs.next();
          rs.close();
          if (!exists) {
            log.info("demo: creating database {}", db);
            s.execute("CREATE DATABASE " + db);
            try (Connection t = pg.getDatabase("postgres", db).getConnection()) {
              DemoSchema.create(t, 1 + i);
            }
          } else {
            // A demo restarted on the same data starts healthy again: the regression is injected anew.
            try (Connection t = pg.getDatabase("postgres", db).getConnection(); Statement ts = t.createStatement()) {
              ts.execute("CREATE INDEX IF NOT EXISTS " + DROPPED_INDEX + " ON orders (customer_id)");
            }
          }
          urls.add(pg.getJdbcUrl("postgres", db));
        }
      }
      return new DemoFleet(pg, new DemoWorkload(urls, "postgres", workloadPause));
    } catch (SQLException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** The tenant whose index the demo drops, and the index. */
  public static final String REGRESSED_TENANT = "umbrella";
  public static final String DROPPED_INDEX = "orders_customer_idx";

  /**
   * The demo's injected regression: drops the index behind the frequent "orders of a customer" lookup in one
   * tenant, so that statement turns from an index scan into a scan of the whole orders table.
   */
  public void injectRegression() throws SQLException {
    try (Connection c = postgres.getDatabase("postgres", "tenant_" + REGRESSED_TENANT).getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP INDEX IF EXISTS " + DROPPED_INDEX);
    }
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    workload.close();
    postgres.close();
  }
}
