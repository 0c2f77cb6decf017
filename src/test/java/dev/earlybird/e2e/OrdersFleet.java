package dev.earlybird.e2e;

import dev.earlybird.testing.SuperuserAccess;
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
import java.util.concurrent.locks.LockSupport;

/**
 * Same-schema tenant databases of a fleet where one tenant never got the index the others have: {@code orders} (200k
 * rows, about 10 per customer) with an index on {@code customer_id} everywhere but in the tenants left out, a small
 * {@code settings_kv} (50 rows) and HypoPG created in each (as superuser, as a DBA would; Earlybird never creates
 * an extension). The load runs both lookups in each tenant, one thread per tenant, as JDBC prepared statements.
 */
final class OrdersFleet implements AutoCloseable {
  static final String ORDERS = "SELECT id, status, created_at FROM orders WHERE customer_id = ?";
  static final String SETTING = "SELECT v FROM settings_kv WHERE k = ?";
  /** Sent once per tenant, so a test can show no parameter value ever reaches a page, a plan or advice. */
  static final int DISTINCT_CUSTOMER = 987654321;
  static final int CUSTOMERS = 20_000;

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final SuperuserAccess server;

  /**
   * Creates {@code tenants} on {@code server}, each a copy of the first (so their data and statistics match), with the
   * customer index in all but {@code withoutIndex}.
   */
  static void create(SuperuserAccess server, List<String> tenants, List<String> withoutIndex) {
    String first = tenants.getFirst();
    server.execute("postgres", "CREATE DATABASE " + first);
    server.execute(first,
        "CREATE EXTENSION hypopg",
        "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL,"
            + " created_at timestamptz NOT NULL, payload text NOT NULL)",
        "INSERT INTO orders (customer_id, status, created_at, payload) SELECT g % " + CUSTOMERS
            + ", (ARRAY['new', 'paid', 'shipped'])[1 + g % 3], now() - g * interval '1 minute', repeat('x', 60)"
            + " FROM generate_series(1, 200000) g",
        "CREATE TABLE settings_kv (k text NOT NULL, v text NOT NULL)",
        "INSERT INTO settings_kv SELECT 'k' || g, 'value ' || g FROM generate_series(1, 50) g",
        "ANALYZE");
    for (String tenant : tenants.subList(1, tenants.size())) {
      server.execute("postgres", "CREATE DATABASE " + tenant + " TEMPLATE " + first);
    }
    for (String tenant : tenants) {
      if (!withoutIndex.contains(tenant)) {
        server.execute(tenant, "CREATE INDEX orders_customer_id_idx ON orders (customer_id)");
      }
    }
  }

  /** Starts the load: in each tenant both lookups, then a 50 ms pause, until {@link #close}. */
  OrdersFleet(SuperuserAccess server, List<String> tenants) {
    this.server = server;
    for (String tenant : tenants) {
      threads.add(Thread.ofPlatform().daemon().name("load-" + tenant).start(() -> run(tenant)));
    }
  }

  private void run(String tenant) {
    Random r = new Random(tenant.hashCode());
    boolean distinctSent = false;
    while (running.get()) {
      try (Connection c = server.superuser(tenant);
          PreparedStatement orders = c.prepareStatement(ORDERS);
          PreparedStatement setting = c.prepareStatement(SETTING)) {
        while (running.get()) {
          orders.setInt(1, distinctSent ? r.nextInt(CUSTOMERS) : DISTINCT_CUSTOMER);
          distinctSent = true;
          drain(orders);
          setting.setString(1, "k" + (1 + r.nextInt(50)));
          drain(setting);
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
      } catch (SQLException e) {
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
  }

  private static void drain(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        // read every row so the statement completes
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
