package dev.earlybird.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small shop schema, the same in every tenant database (as in a SaaS fleet), seeded with a size per tenant
 * so that the same SQL costs differently across tenants.
 */
final class DemoSchema {
  private DemoSchema() {}

  static final String DDL =
      """
      CREATE TABLE customers (
        id bigint PRIMARY KEY,
        name text NOT NULL,
        region text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE products (
        id bigint PRIMARY KEY,
        name text NOT NULL,
        price numeric(10,2) NOT NULL);
      CREATE TABLE orders (
        id bigserial PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers(id),
        status text NOT NULL,
        created_at timestamptz NOT NULL);
      CREATE TABLE order_items (
        order_id bigint NOT NULL REFERENCES orders(id),
        product_id bigint NOT NULL REFERENCES products(id),
        quantity int NOT NULL);
      CREATE INDEX orders_customer_idx ON orders (customer_id);
      CREATE INDEX orders_created_idx ON orders (created_at);
      CREATE INDEX order_items_order_idx ON order_items (order_id);
      """;

  /** Creates and fills the schema; {@code scale} multiplies the row counts (1 = about 20,000 orders). */
  static void create(Connection c, int scale) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(DDL);
      s.execute(
          "INSERT INTO customers (id, name, region) SELECT g, 'customer ' || g, (ARRAY['north','south','east','west'])[1 + mod(g, 4)] FROM generate_series(1, %d) g"
              .formatted(2000 * scale));
      s.execute(
          "INSERT INTO products (id, name, price) SELECT g, 'product ' || g, (10 + mod(g, 90))::numeric FROM generate_series(1, 500) g");
      s.execute(
          """
          INSERT INTO orders (customer_id, status, created_at)
          SELECT 1 + (random() * (%d - 1))::bigint,
                 (ARRAY['new','paid','shipped','cancelled'])[1 + (random() * 3)::int],
                 now() - random() * interval '90 days'
          FROM generate_series(1, %d)"""
              .formatted(2000 * scale, 20000 * scale));
      s.execute(
          """
          INSERT INTO order_items (order_id, product_id, quantity)
          SELECT o.id, 1 + (random() * 499)::bigint, 1 + (random() * 4)::int
          FROM orders o, generate_series(1, 3)""");
      s.execute("ANALYZE");
    }
  }
}
