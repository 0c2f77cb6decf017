package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.PgTestSupport.superuserEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.RelationStats;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the advisor reads of a database's catalog, on every supported major, as a DBA would check it. */
class CatalogsIT {
  private static final String DATABASE = "catalogs";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("dev.earlybird.testing.PostgresVersions#all")
  void readsTablesIndexesAndStatisticsLargestFirst(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    server.createDatabase(DATABASE);
    server.execute(
        DATABASE,
        "DROP SCHEMA IF EXISTS app CASCADE",
        "CREATE SCHEMA app",
        "CREATE TABLE app.orders (id int PRIMARY KEY, customer_id int NOT NULL, email text, status text,"
            + " total numeric)",
        "INSERT INTO app.orders SELECT g, g % 100, 'u' || g || '@example.com', CASE WHEN g % 9 = 0 THEN 'open'"
            + " ELSE 'done' END, g FROM generate_series(1, 2000) g",
        "CREATE INDEX orders_open ON app.orders (customer_id) WHERE status = 'open'",
        "CREATE UNIQUE INDEX orders_email_lower ON app.orders (lower(email))",
        "CREATE INDEX orders_customer ON app.orders (customer_id, status) INCLUDE (total)",
        "ANALYZE app.orders",
        "CREATE TABLE app.events (id int, at date) PARTITION BY RANGE (at)",
        "CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
        "CREATE INDEX events_at ON app.events (at)",
        "CREATE TABLE app.fresh (id int)",
        "CREATE MATERIALIZED VIEW app.totals AS SELECT customer_id, sum(total) FROM app.orders GROUP BY 1",
        "CREATE TABLE app.dups (v int)",
        "INSERT INTO app.dups VALUES (1), (1)");
    try {
      // Fails on the duplicates and leaves an invalid index behind, as a failed migration does.
      server.execute(DATABASE, "CREATE UNIQUE INDEX CONCURRENTLY dups_v ON app.dups (v)");
    } catch (IllegalStateException expected) {
      assertThat(expected).hasMessageContaining("dups_v");
    }
    long dbId = PgTestSupport.oid(server, DATABASE);

    try (Connection c = PgConnector.open(superuserEndpoint(server, DATABASE));
        Connection temp = server.superuser(DATABASE)) {
      temp.createStatement().execute("CREATE TEMP TABLE scratch (id int)");
      Instant now = Instant.now();
      // The statistics of our inserts reach the cumulative statistics system shortly after they commit.
      DatabaseCatalog catalog = await().atMost(Duration.ofSeconds(10)).until(
          () -> Catalogs.read(c, "pg" + major, dbId, DATABASE, now, TIMEOUT, 100, 100),
          cat -> cat.relation("app", "orders").map(RelationStats::nLiveTup).orElse(0L) > 0
              && cat.churn().pgClassInserts() > 0);

      assertThat(catalog.target()).isEqualTo("pg" + major);
      assertThat(catalog.dbId()).isEqualTo(dbId);
      assertThat(catalog.readAt()).isEqualTo(now);
      assertThat(catalog.truncated()).isFalse();
      assertThat(catalog.hypopgSchema()).as("HypoPG is not created here").isEmpty();
      assertThat(catalog.relations()).extracting(RelationStats::qualifiedTable)
          .as("user relations only, largest first; no system catalog, no other session's temporary table")
          .startsWith("app.orders")
          .containsExactlyInAnyOrder(
              "app.orders", "app.events", "app.events_2026", "app.fresh", "app.totals", "app.dups");

      RelationStats orders = catalog.relation("app", "orders").orElseThrow();
      assertThat(orders.kind()).isEqualTo("r");
      assertThat(orders.reltuples()).isEqualTo(2000);
      assertThat(orders.relpages()).isPositive();
      assertThat(orders.sizeBytes()).isEqualTo(orders.relpages() * 8192);
      assertThat(orders.lastAnalyze()).hasValueSatisfying(t -> assertThat(t).isBefore(Instant.now()));
      assertThat(orders.analyzedAt()).isEqualTo(orders.lastAnalyze());

      RelationStats events = catalog.relation("app", "events").orElseThrow();
      assertThat(events.kind()).isEqualTo("p");
      assertThat(events.sizeBytes()).isZero();
      assertThat(events.nLiveTup()).isZero();
      assertThat(events.analyzedAt()).isEmpty();
      assertThat(catalog.relation("app", "totals").orElseThrow().kind()).isEqualTo("m");
      RelationStats fresh = catalog.relation("app", "fresh").orElseThrow();
      assertThat(fresh.reltuples()).as("never analyzed").isEqualTo(major >= 14 ? -1 : 0);
      assertThat(fresh.analyzedAt()).isEmpty();

      assertThat(catalog.indexesOn("app", "orders")).containsExactlyInAnyOrder(
          new IndexDef("app", "orders", "orders_customer", "btree", List.of("customer_id", "status"),
              List.of("total"), null, false, true),
          new IndexDef("app", "orders", "orders_email_lower", "btree", List.of("(lower(email))"), List.of(), null,
              true, true),
          new IndexDef("app", "orders", "orders_open", "btree", List.of("customer_id"), List.of(),
              "status = 'open'::text", false, true),
          new IndexDef("app", "orders", "orders_pkey", "btree", List.of("id"), List.of(), null, true, true));
      assertThat(catalog.indexesOn("app", "events")).extracting(IndexDef::name, IndexDef::columns)
          .containsExactly(tuple("events_at", List.of("at")));
      assertThat(catalog.indexesOn("app", "dups")).singleElement()
          .satisfies(i -> assertThat(i.valid()).as("failed CREATE INDEX CONCURRENTLY").isFalse());
      assertThat(catalog.indexesOn("app", "orders").get(0).covers(List.of("customer_id"))).isTrue();

      // Temporary tables come and go through pg_class and pg_attribute of this database.
      assertThat(catalog.churn().pgAttributeInserts()).isGreaterThan(catalog.churn().pgClassInserts());

      // Rows changed since the last analyze: what makes statistics stale.
      server.execute(DATABASE, "UPDATE app.orders SET total = total + 1 WHERE id <= 500");
      long changedBefore = orders.nModSinceAnalyze();
      await().atMost(Duration.ofSeconds(10)).until(
          () -> Catalogs.read(c, "pg" + major, dbId, DATABASE, now, TIMEOUT, 100, 100).relation("app", "orders")
              .orElseThrow(),
          r -> r.nModSinceAnalyze() == changedBefore + 500 && r.nDeadTup() >= 500);

      DatabaseCatalog largest = Catalogs.read(c, "pg" + major, dbId, DATABASE, now, TIMEOUT, 1, 2);
      assertThat(largest.truncated()).isTrue();
      assertThat(largest.relations()).extracting(RelationStats::qualifiedTable).containsExactly("app.orders");
      assertThat(largest.indexes()).hasSize(2).allMatch(i -> i.table().equals("orders"));
      assertThat(Catalogs.read(c, "pg" + major, dbId, DATABASE, now, TIMEOUT, 6, 100).truncated()).isFalse();
    }
  }
}
