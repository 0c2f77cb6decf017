package dev.earlybird.e2e;

import dev.earlybird.testing.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Tenant databases with an indexed lookup, each run by a thread of its own every 25 ms; one tenant ("busy") can be
 * switched to several times its calls. Dropping the index in one tenant makes a regression the analysis finds.
 */
final class TenantLoad implements AutoCloseable {
  static final String QUERY = "SELECT count(*) FROM items WHERE k = ?";

  final AtomicBoolean running = new AtomicBoolean(true);
  final AtomicInteger busyFactor = new AtomicInteger(1);
  private final List<Thread> threads = new ArrayList<>();
  private final PgServer pg;

  /** Creates the table and its index in each database, once per server. */
  static void create(PgServer pg, List<String> databases) throws SQLException {
    for (String db : databases) {
      pg.createDatabase(db);
      try (Connection c = pg.superuser(db); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE items (k int NOT NULL, v text NOT NULL)");
        s.execute("INSERT INTO items SELECT g % 20000, repeat('x', 40) FROM generate_series(1, 300000) g");
        s.execute("CREATE INDEX items_k_idx ON items (k)");
        s.execute("ANALYZE items");
      }
    }
  }

  TenantLoad(PgServer pg, List<String> databases) {
    this.pg = pg;
    for (String db : databases) {
      threads.add(Thread.ofPlatform().daemon().start(() -> run(db)));
    }
  }

  private void run(String db) {
    Random r = new Random(db.hashCode());
    while (running.get()) {
      try (Connection c = pg.superuser(db); PreparedStatement ps = c.prepareStatement(QUERY)) {
        while (running.get()) {
          int n = db.equals("tenant_busy") ? busyFactor.get() : 1;
          for (int i = 0; i < n; i++) {
            ps.setInt(1, r.nextInt(20000));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
            }
          }
          LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
        }
      } catch (SQLException e) {
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(5000);
    }
  }
}
