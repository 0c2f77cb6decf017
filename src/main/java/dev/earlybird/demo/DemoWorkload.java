package dev.earlybird.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady, modest workload per tenant database: point lookups, a customer's orders, a daily revenue
 * aggregate, top products, new orders and status updates. Kept light (a few statements per second per
 * tenant) so the demo does not hog a laptop.
 */
public final class DemoWorkload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoWorkload.class);

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /** Starts one virtual thread per database URL; each pauses {@code pause} between statements. */
  public DemoWorkload(List<String> jdbcUrls, String user, Duration pause) {
    for (String url : jdbcUrls) {
      threads.add(Thread.ofVirtual().name("demo-workload").start(() -> loop(url, user, pause)));
    }
  }

  private void loop(String url, String user, Duration pause) {
    Random random = new Random(url.hashCode());
    while (running) {
      try (Connection c = DriverManager.getConnection(url, user, null)) {
        Statements s = new Statements(c);
        while (running) {
          s.runOne(random);
          LockSupport.parkNanos(pause.toNanos());
        }
      } catch (SQLException e) {
        if (running) {
          log.debug("demo workload on {} failed, retrying: {}", url, e.getMessage());
          LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    threads.forEach(Thread::interrupt);
  }

  /** The statements a tenant's application runs, prepared once per connection. */
  private static final class Statements {
    private final PreparedStatement customer;
    private final PreparedStatement ordersOfCustomer;
    private final PreparedStatement revenueByDay;
    private final PreparedStatement topProducts;
    private final PreparedStatement newOrder;
    private final PreparedStatement updateStatus;

    Statements(Connection c) throws SQLException {
      customer = c.prepareStatement("SELECT id, name, region FROM customers WHERE id = ?");
      ordersOfCustomer =
          c.prepareStatement(
              "SELECT o.id, o.status, o.created_at FROM orders o WHERE o.customer_id = ? ORDER BY o.created_at DESC LIMIT 20");
      revenueByDay =
          c.prepareStatement(
              """
              SELECT date_trunc('day', o.created_at) AS day, sum(i.quantity * p.price) AS revenue
              FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
              WHERE o.created_at > now() - make_interval(days => ?)
              GROUP BY 1 ORDER BY 1""");
      topProducts =
          c.prepareStatement(
              """
              SELECT p.name, sum(i.quantity) AS sold FROM order_items i JOIN products p ON p.id = i.product_id
              GROUP BY p.name ORDER BY sold DESC LIMIT ?""");
      newOrder =
          c.prepareStatement("INSERT INTO orders (customer_id, status, created_at) VALUES (?, 'new', now())");
      updateStatus = c.prepareStatement("UPDATE orders SET status = ? WHERE id = ?");
    }

    void runOne(Random r) throws SQLException {
      int pick = r.nextInt(100);
      if (pick < 40) {
        customer.setLong(1, 1 + r.nextInt(2000));
        drain(customer);
      } else if (pick < 75) {
        ordersOfCustomer.setLong(1, 1 + r.nextInt(2000));
        drain(ordersOfCustomer);
      } else if (pick < 85) {
        newOrder.setLong(1, 1 + r.nextInt(2000));
        newOrder.executeUpdate();
      } else if (pick < 93) {
        updateStatus.setString(1, r.nextBoolean() ? "paid" : "shipped");
        updateStatus.setLong(2, 1 + r.nextInt(20000));
        updateStatus.executeUpdate();
      } else if (pick < 98) {
        revenueByDay.setInt(1, 7 + r.nextInt(30));
        drain(revenueByDay);
      } else {
        topProducts.setInt(1, 10);
        drain(topProducts);
      }
    }

    private static void drain(PreparedStatement ps) throws SQLException {
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          // read every row, as an application would
        }
      }
    }
  }
}
