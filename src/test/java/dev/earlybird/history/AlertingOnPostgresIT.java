package dev.earlybird.history;

import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * The alerting tables' SQL on PostgreSQL (the newest supported major), with the schema of the DuckDB migration: what
 * a shared PostgreSQL store will run. The transactions are plain JDBC ones: commit, or roll back on any failure.
 */
class AlertingOnPostgresIT extends AlertingBehaviour {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private Connection connection;

  @Override
  Transactions transactions() {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    String database = "alerting_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    server.createDatabase(database);
    try {
      connection = server.superuser(database);
      try (var s = connection.createStatement()) {
        for (String sql : alertingSchema().split(";")) {
          if (!sql.isBlank()) {
            s.execute(sql);
          }
        }
      }
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the alerting tables on " + server + ": " + e.getMessage(), e);
    }
    return new Transactions() {
      @Override
      public synchronized void write(String what, Work work) {
        try {
          work.run(connection);
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          try {
            connection.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw new StoreWriteException("cannot " + what + " on PostgreSQL: " + e.getMessage(), e);
        }
      }

      @Override
      public synchronized <T> T read(String what, JdbcHistoryStore.SqlRead<T> read) {
        try {
          T result = read.run(connection);
          connection.commit();
          return result;
        } catch (SQLException e) {
          throw new HistoryException("cannot read " + what + " on PostgreSQL: " + e.getMessage(), e);
        }
      }
    };
  }

  /** The alerting tables of migration V10, as written for DuckDB (the finding columns it adds are not needed here). */
  private static String alertingSchema() {
    try (InputStream in = AlertingOnPostgresIT.class.getResourceAsStream("/db/migration/V10__alerts.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("ALTER TABLE finding") && !l.startsWith("--"))
          .reduce("", (a, b) -> a + b + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  void maintain(Instant now, Retention retention) {
    tx.write("apply retention", c -> Alerting.purge(c, now, retention));
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }
}
