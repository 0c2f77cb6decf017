package dev.earlybird.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A tiny shop schema (customers, orders) and a repeatable workload, so pg_stat_statements has known entries.
 * The statement texts are constants: as prepared statements they appear in pg_stat_statements with {@code $1}, so
 * tests can find them by text. After {@code run(c, n)}: {@link #SELECT_CUSTOMER} and {@link #ORDERS_OF_CUSTOMER}
 * were called n times, returning 1 and {@value #ORDERS_PER_CUSTOMER} rows per call; {@link #INSERT_ORDER} n times,
 * 1 row each.
 */
public final class Workload {
  public static final int CUSTOMERS = 50;
  public static final int ORDERS_PER_CUSTOMER = 4;

  public static final String SELECT_CUSTOMER = "SELECT id, name, region FROM customers WHERE id = ?";
  public static final String ORDERS_OF_CUSTOMER =
      "SELECT o.id, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.id = ? AND o.id <= ?";
  public static final String INSERT_ORDER = "INSERT INTO orders (customer_id, amount) VALUES (?, ?)";

  private Workload() {}

  /** Creates the schema in {@code database} of {@code server} (creating the database if needed) and loads rows. */
  public static void install(PgServer server, String database) {
    server.createDatabase(database);
    try (Connection c = server.superuser(database)) {
      createSchema(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops and creates the schema, then loads {@value #CUSTOMERS} customers and their orders. */
  public static void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS orders, customers");
      s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region text NOT NULL)");
      s.execute(
          """
          CREATE TABLE orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id int NOT NULL REFERENCES customers,
            amount numeric(10,2) NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())""");
      s.execute(
          "INSERT INTO customers SELECT i, 'customer ' || i, 'region ' || (i % 5) FROM generate_series(1, "
              + CUSTOMERS
              + ") i");
      s.execute(
          "INSERT INTO orders (customer_id, amount) SELECT c, (c * o) % 1000 FROM generate_series(1, "
              + CUSTOMERS
              + ") c, generate_series(1, "
              + ORDERS_PER_CUSTOMER
              + ") o");
      s.execute("ANALYZE customers, orders");
    }
  }

  /** Runs the three workload statements {@code iterations} times each; see the class comment for counts. */
  public static void run(Connection c, int iterations) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(SELECT_CUSTOMER);
        PreparedStatement join = c.prepareStatement(ORDERS_OF_CUSTOMER);
        PreparedStatement insert = c.prepareStatement(INSERT_ORDER)) {
      for (int i = 0; i < iterations; i++) {
        int customer = 1 + i % CUSTOMERS;
        select.setInt(1, customer);
        drain(select);
        join.setInt(1, customer);
        // Only the initial orders (ids 1..CUSTOMERS*ORDERS_PER_CUSTOMER) count, so rows stay fixed as we insert.
        join.setLong(2, (long) CUSTOMERS * ORDERS_PER_CUSTOMER);
        drain(join);
        insert.setInt(1, customer);
        insert.setBigDecimal(2, java.math.BigDecimal.valueOf(i % 100));
        insert.executeUpdate();
      }
    }
  }

  /**
   * Runs {@code count} statements that pg_stat_statements sees as distinct (select lists of different length),
   * each once; for eviction tests.
   */
  public static void distinctStatements(Connection c, int count) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (int i = 1; i <= count; i++) {
        var sql = new StringBuilder("SELECT 1");
        for (int k = 1; k < i; k++) {
          sql.append(", ").append(k);
        }
        s.execute(sql.toString());
      }
    }
  }

  private static void drain(PreparedStatement ps) throws SQLException {
    try (var rs = ps.executeQuery()) {
      while (rs.next()) {
        // read every row so the statement completes
      }
    }
  }
}
