package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.PlanCapture;
import dev.earlybird.model.RelationStats;
import dev.earlybird.source.postgres.GenericPlans;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The advisor's plan rules on the generic plans every supported major prints (VERBOSE filters differ in casts and
 * parentheses from version to version): the candidates a DBA would write, none for unselective filters, and the
 * plan diff when an index goes.
 */
class AdvisorPlansIT {
  private static final String DATABASE = "advisor_plans";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("dev.earlybird.testing.PostgresVersions#all")
  void candidatesAndPlanDiffsFromRealGenericPlans(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    server.createDatabase(DATABASE);
    server.execute(DATABASE,
        "DROP TABLE IF EXISTS orders",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, status text, created_at timestamptz, "
            + "note varchar(40), \"Region\" text)",
        "INSERT INTO orders SELECT g, g % 5000, (ARRAY['open','done','void'])[g % 3 + 1], "
            + "timestamptz '2026-01-01' + g * interval '1 minute', 'n' || g, 'r' || (g % 7) "
            + "FROM generate_series(1, 60000) g",
        "CREATE INDEX orders_customer_idx ON orders (customer_id)",
        "ANALYZE orders");
    var plans = new GenericPlans();
    try (Connection c = server.superuser(DATABASE)) {
      DatabaseCatalog catalog = catalog(c);
      String lookup = "SELECT id, status FROM orders WHERE customer_id = $1";
      PlanShape indexed = plan(plans.capture(c, major, lookup, false));
      assertThat(IndexCandidates.of(indexed, catalog, 10_000)).isEmpty();

      String quoted = "SELECT id FROM orders o WHERE o.\"Region\" = $1 AND lower(o.status) = $2 AND o.note LIKE 'n1%'";
      assertThat(IndexCandidates.of(plan(plans.capture(c, major, quoted, false)), catalog, 10_000))
          .extracting(IndexCandidate::ddl)
          .containsExactly("CREATE INDEX CONCURRENTLY ON public.orders (\"Region\", note)",
              "CREATE INDEX CONCURRENTLY ON public.orders (\"Region\")",
              "CREATE INDEX CONCURRENTLY ON public.orders (note)");
      // A third of the table: no index would be read instead of the table.
      String unselective = "SELECT id FROM orders WHERE status = $1";
      assertThat(IndexCandidates.of(plan(plans.capture(c, major, unselective, false)), catalog, 10_000)).isEmpty();

      try (var s = c.createStatement()) {
        s.execute("DROP INDEX orders_customer_idx");
      }
      DatabaseCatalog without = catalog(c);
      String range = "SELECT id FROM orders WHERE created_at >= $2 AND customer_id = $1";
      assertThat(IndexCandidates.of(plan(plans.capture(c, major, range, false)), without, 10_000))
          .extracting(IndexCandidate::columns)
          .containsExactly(List.of("customer_id", "created_at"), List.of("customer_id"), List.of("created_at"));
      PlanShape flipped = plan(plans.capture(c, major, lookup, false));
      assertThat(PlanDiff.between(indexed, flipped)).singleElement().satisfies(line -> assertThat(line)
          .contains("using orders_customer_idx on public.orders")
          .endsWith(" → Seq Scan on public.orders"));
      assertThat(IndexCandidates.of(flipped, without, 10_000)).extracting(IndexCandidate::hypotheticalDdl)
          .containsExactly("CREATE INDEX ON public.orders USING btree (customer_id)");
    }
  }

  private static PlanShape plan(PlanCapture capture) {
    assertThat(capture).isInstanceOf(PlanCapture.Planned.class);
    return PlanShape.parse(((PlanCapture.Planned) capture).json());
  }

  /** What the advisor's catalog read would give for public.orders, from the server's own statistics. */
  private static DatabaseCatalog catalog(Connection c) throws SQLException {
    double reltuples;
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT reltuples FROM pg_class WHERE oid = 'public.orders'::regclass")) {
      rs.next();
      reltuples = rs.getDouble(1);
    }
    List<IndexDef> indexes = new java.util.ArrayList<>();
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT i.relname, a.attname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            + "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] "
            + "WHERE x.indrelid = 'public.orders'::regclass ORDER BY 1")) {
      while (rs.next()) {
        indexes.add(new IndexDef("public", "orders", rs.getString(1), "btree", List.of(rs.getString(2)), List.of(),
            null, false, true));
      }
    }
    var orders = new RelationStats("public", "orders", "r", reltuples, 0, 0, (long) reltuples, 0, 0,
        Optional.empty(), Optional.of(Instant.now()));
    return new DatabaseCatalog("pg", 1, DATABASE, Instant.now(), List.of(orders), indexes, Optional.empty(),
        DatabaseCatalog.CatalogChurn.NONE, false);
  }
}
