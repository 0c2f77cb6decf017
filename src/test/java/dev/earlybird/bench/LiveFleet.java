package dev.earlybird.bench;

import dev.earlybird.testing.PgServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live mode's tenants: one database per tenant, the same shop schema in each, with skewed data. Customer
 * ids of orders (and of the workload's parameters) follow {@code ceil(N^u)}, u uniform: P(id <= k) = ln k /
 * ln N, a Zipf-like law with exponent 1, so a few customers own thousands of orders and most own a handful.
 *
 * <p>Every statement starts with a comment naming it ({@code eb:NAME}): pg_stat_statements keeps the first text
 * it saw, comment included, which is how the bench names the queryids the agent reports.
 */
final class LiveFleet {
  static final int CUSTOMERS = 10_000;
  static final int ORDERS = 40_000;
  static final int DAYS = 60;
  /** What the tenant databases run with until a spill is injected (set per database, like a parameter group). */
  static final String WORK_MEM = "8MB";
  static final String LOW_WORK_MEM = "64kB";

  /** The statements of the workload, by label; {@code ?} are JDBC parameters. */
  static final Map<String, String> STATEMENTS = statements();

  private LiveFleet() {}

  private static Map<String, String> statements() {
    var m = new LinkedHashMap<String, String>();
    m.put("customer_by_id", "SELECT id, name, region, tier FROM customers WHERE id = ?");
    m.put("orders_by_customer",
        "SELECT id, amount, created_at FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 20");
    m.put("customer_totals", "SELECT count(*), sum(amount) FROM orders WHERE customer_id = ?");
    m.put("order_summary", "SELECT order_summary(?)");
    m.put("record_event", "INSERT INTO order_events (customer_id, kind, at) VALUES (?, ?, now())");
    // The spill candidate: ranks a few days of notes, a sort that fits in 8MB and goes to disk in 64kB.
    m.put("note_ranking",
        "SELECT count(*) FROM (SELECT note, rank() OVER (ORDER BY note) AS r FROM orders"
            + " WHERE created_at >= now() - make_interval(days => ?)) t WHERE r % 100 = 0");
    // Naturally high-variance: an id range of random width, over skewed data (low ids own most orders).
    m.put("revenue_report",
        "SELECT c.region, count(*), sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id"
            + " WHERE c.id BETWEEN ? AND ? GROUP BY c.region");
    // Only run by the tenant that gets "an unrelated new statement".
    m.put("tier_overview", "SELECT region, count(*), avg(tier) FROM customers WHERE tier = ? GROUP BY region");
    return java.util.Collections.unmodifiableMap(m);
  }

  static String sql(String label) {
    return "/* eb:" + label + " */ " + STATEMENTS.get(label);
  }

  /** The label in a pg_stat_statements text, or null for statements the workload did not name. */
  static String labelOf(String query) {
    if (query == null) {
      return null;
    }
    int i = query.indexOf("/* eb:");
    if (i < 0) {
      return null;
    }
    int end = query.indexOf(" */", i);
    return end < 0 ? null : query.substring(i + 6, end);
  }

  static final String SUMMARY_PLAIN =
      """
      CREATE OR REPLACE FUNCTION order_summary(p int) RETURNS numeric LANGUAGE plpgsql AS $$
      DECLARE total numeric;
      BEGIN
        SELECT sum(amount) INTO total
          FROM (SELECT amount FROM orders WHERE customer_id = p ORDER BY created_at DESC LIMIT 50) recent;
        RETURN coalesce(total, 0);
      END $$""";

  /** The same function with a temp table on its path (the story in DESIGN: a temp table in a hot function). */
  static final String SUMMARY_TEMP_TABLE =
      """
      CREATE OR REPLACE FUNCTION order_summary(p int) RETURNS numeric LANGUAGE plpgsql AS $$
      DECLARE total numeric;
      BEGIN
        CREATE TEMP TABLE order_summary_tmp AS
          SELECT amount FROM orders WHERE customer_id = p ORDER BY created_at DESC LIMIT 50;
        SELECT sum(amount) INTO total FROM order_summary_tmp;
        DROP TABLE order_summary_tmp;
        RETURN coalesce(total, 0);
      END $$""";

  /** Creates {@code database} with the schema and its skewed data (seeded, so every run has the same rows). */
  static void create(PgServer server, String database, double seed) {
    server.createDatabase(database);
    server.execute(
        database,
        "SELECT setseed(" + seed + ")",
        "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region int NOT NULL, tier int NOT NULL)",
        "INSERT INTO customers SELECT i, 'customer ' || i, i % 20, i % 7 FROM generate_series(1, " + CUSTOMERS + ") i",
        """
        CREATE TABLE orders (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          customer_id int NOT NULL,
          amount numeric(10,2) NOT NULL,
          status int NOT NULL,
          created_at timestamptz NOT NULL,
          note text NOT NULL)""",
        """
        INSERT INTO orders (customer_id, amount, status, created_at, note)
        SELECT ceil(power(%d, random()))::int, round((random() * 500)::numeric, 2), (random() * 4)::int,
               now() - random() * interval '%d days', md5(random()::text)
        FROM generate_series(1, %d)""".formatted(CUSTOMERS, DAYS, ORDERS),
        "CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at)",
        "CREATE INDEX orders_created_idx ON orders (created_at)",
        "CREATE TABLE order_events (id bigint GENERATED ALWAYS AS IDENTITY, customer_id int, kind int, at timestamptz)",
        SUMMARY_PLAIN,
        "VACUUM ANALYZE customers, orders");
    server.execute("postgres", "ALTER DATABASE " + database + " SET work_mem = '" + WORK_MEM + "'",
        // Custom plans: a generic plan for "customer_id = $1" is tuned to the average customer and is badly wrong
        // for the few customers that own most orders; its noise would drown what the bench measures.
        "ALTER DATABASE " + database + " SET plan_cache_mode = force_custom_plan");
  }

  /** A customer id drawn like the data: most calls hit the few customers that own most orders. */
  static int zipfCustomer(java.util.random.RandomGenerator random) {
    return (int) Math.max(1, Math.ceil(Math.pow(CUSTOMERS, random.nextDouble())));
  }
}
