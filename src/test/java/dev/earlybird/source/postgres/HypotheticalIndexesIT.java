package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.HypotheticalCost;
import dev.earlybird.source.postgres.HypotheticalOutcome.Tried;
import dev.earlybird.source.postgres.HypotheticalOutcome.Untried;
import dev.earlybird.testing.SystemPgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Candidate indexes tried with HypoPG (Debian's postgresql-15-hypopg) on a read-only advisor session. */
class HypotheticalIndexesIT {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final String DATABASE = "hypo_shop";
  private static final String BY_CUSTOMER = "SELECT id, status FROM orders WHERE customer_id = $1";
  private static final String ON_CUSTOMER = "CREATE INDEX ON public.orders USING btree (customer_id)";

  private static SystemPgServer server;
  private static AdvisorConnections connections;

  @BeforeAll
  static void start() {
    assertThat(Path.of("/usr/share/postgresql/15/extension/hypopg.control"))
        .as("HypoPG for PostgreSQL 15: apt-get install postgresql-15-hypopg (.ci/apt-packages lists it)")
        .exists();
    server = SystemPgServer.start(BIN, Map.of());
    server.execute("postgres", "CREATE DATABASE " + DATABASE);
    server.execute(
        DATABASE,
        "CREATE EXTENSION hypopg",
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, note text)",
        "INSERT INTO orders SELECT g, g % 20000, CASE WHEN g % 7 = 0 THEN 'open' ELSE 'done' END, 'n' || g"
            + " FROM generate_series(1, 100000) g",
        "ANALYZE orders",
        "CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'open'");
    connections = new AdvisorConnections(
        PgEndpoint.of("hypo", server.jdbcUrl("postgres"), "postgres", null), InstantSource.system());
  }

  @AfterAll
  static void stop() {
    if (connections != null) {
      connections.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anIndexOnTheFilteredColumnCutsTheCostAndLeavesNothingBehind() throws Exception {
    var hypothetical = new HypotheticalIndexes(new GenericPlans());
    record Both(HypotheticalOutcome onFilter, HypotheticalOutcome elsewhere, long leftInSession) {}
    Both both = connections.withDatabase(DATABASE, c -> new Both(
        hypothetical.cost(c, 15, BY_CUSTOMER, false, "public", ON_CUSTOMER),
        hypothetical.cost(c, 15, BY_CUSTOMER, false, "public", "CREATE INDEX ON public.orders USING btree (note)"),
        count(c, "SELECT count(*) FROM hypopg_list_indexes")));

    HypotheticalCost used = ((Tried) both.onFilter()).cost();
    assertThat(used.ddl()).isEqualTo(ON_CUSTOMER);
    assertThat(used.used()).isTrue();
    assertThat(used.costBefore()).as("a sequential scan of 100,000 rows").isGreaterThan(1000);
    assertThat(used.reductionPct()).as("5 rows of 100,000 through an index").isGreaterThan(90);

    HypotheticalCost unused = ((Tried) both.elsewhere()).cost();
    assertThat(unused.used()).isFalse();
    assertThat(unused.costAfter()).isEqualTo(unused.costBefore());
    assertThat(unused.reductionPct()).isZero();

    // Gone from the session that made them (reset before COMMIT), never seen by another session.
    assertThat(both.leftInSession()).isZero();
    assertThat(connections.openConnections()).as("the session was fine to keep").isEqualTo(1);
    try (Connection other = server.superuser(DATABASE)) {
      assertThat(count(other, "SELECT count(*) FROM hypopg_list_indexes")).isZero();
      try (Statement s = other.createStatement();
          ResultSet rs = s.executeQuery("EXPLAIN SELECT id, status FROM orders WHERE customer_id = 42")) {
        rs.next();
        assertThat(rs.getString(1)).startsWith("Seq Scan on orders");
      }
    }
  }

  @Test
  void triesOnlyPlainBtreeIndexesOnTablesWhereHypoPgIsCreated() throws Exception {
    var hypothetical = new HypotheticalIndexes(new GenericPlans());
    List<String> refused = List.of(
        "CREATE INDEX ON public.orders USING btree (customer_id) WHERE status = 'open'",
        "CREATE INDEX ON public.orders USING btree (lower(status))",
        "CREATE INDEX ON public.orders USING hash (customer_id)",
        "CREATE INDEX ON public.orders USING btree (customer_id); SELECT 1",
        "CREATE INDEX ON orders USING btree (customer_id)");
    List<HypotheticalOutcome> outcomes = connections.withDatabase(DATABASE, c -> {
      var out = new ArrayList<HypotheticalOutcome>();
      for (String ddl : refused) {
        out.add(hypothetical.cost(c, 15, BY_CUSTOMER, false, "public", ddl));
      }
      out.add(hypothetical.cost(c, 15, "SELECT * FROM open_orders WHERE customer_id = $1", false, "public",
          "CREATE INDEX ON public.open_orders USING btree (customer_id)"));
      out.add(hypothetical.cost(c, 15, BY_CUSTOMER, false, null, ON_CUSTOMER));
      out.add(hypothetical.cost(c, 15, "VACUUM orders", false, "public", ON_CUSTOMER));
      out.add(hypothetical.cost(c, 15, BY_CUSTOMER, false, "public",
          "CREATE INDEX ON \"public\".\"orders\" USING btree (\"status\", customer_id)"));
      return out;
    });
    for (int i = 0; i < refused.size(); i++) {
      assertThat(outcomes.get(i)).isEqualTo(new Untried("only a plain CREATE INDEX ON schema.table USING btree"
          + " (column[, column]) is tried with HypoPG, not: " + refused.get(i)));
    }
    assertThat(outcomes.get(5)).isEqualTo(new Untried(
        "public.open_orders is not a plain table (relkind v): HypoPG is only tried on tables"));
    assertThat(outcomes.get(6)).isEqualTo(new Untried(
        "HypoPG is not created in this database (CREATE EXTENSION hypopg; Earlybird never creates it)"));
    assertThat(outcomes.get(7)).isEqualTo(new Untried(
        "the statement cannot be planned: VACUUM is not a plannable statement"));
    // Quoted identifiers are fine; an index led by a column the query does not filter on is not used.
    assertThat(outcomes.get(8)).isInstanceOfSatisfying(Tried.class, t -> assertThat(t.cost().used()).isFalse());
  }

  @Test
  void closesTheSessionWhenTheResetCannotBeConfirmed() throws Exception {
    var hypothetical = new HypotheticalIndexes(new GenericPlans());
    record After(HypotheticalOutcome outcome, boolean closed) {}
    // HypoPG named in the wrong schema: neither the index nor the reset can be run, so the session is closed.
    After after = connections.withDatabase(DATABASE, c -> {
      HypotheticalOutcome o = hypothetical.cost(c, 15, BY_CUSTOMER, false, "information_schema", ON_CUSTOMER);
      return new After(o, c.isClosed());
    });
    assertThat(after.outcome()).isEqualTo(new Untried("the statement cannot be planned with the index: SQLSTATE"
        + " 42883: function information_schema.hypopg_reset() does not exist"));
    assertThat(after.closed()).isTrue();
    long left = connections.withDatabase(DATABASE, c -> count(c, "SELECT count(*) FROM hypopg_list_indexes"));
    assertThat(left).as("the next borrower gets a new session, without hypothetical indexes").isZero();
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
