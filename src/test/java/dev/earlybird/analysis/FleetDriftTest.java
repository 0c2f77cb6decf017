package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.btree;
import static dev.earlybird.analysis.Catalogs.catalog;
import static dev.earlybird.analysis.Catalogs.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetDriftTest {
  static final IndexDef CUSTOMER = btree("public", "orders", "orders_customer_idx", "customer_id");

  /** Tenant databases t/db1..dbN with public.orders; those in {@code lacking} miss the customer index. */
  static List<DatabaseCatalog> fleet(int n, int... lacking) {
    List<DatabaseCatalog> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      int db = i;
      boolean lacks = java.util.Arrays.stream(lacking).anyMatch(l -> l == db);
      List<IndexDef> indexes = new ArrayList<>(List.of(btree("public", "orders", "orders_pkey", "id")));
      if (!lacks) {
        // One database named it differently: the name most of the fleet uses wins.
        indexes.add(db == 2 ? btree("public", "orders", "ix_orders_customer", "customer_id") : CUSTOMER);
      }
      out.add(catalog("t", 100 + db, "db" + db, List.of(table("public", "orders", 50_000)), indexes));
    }
    return out;
  }

  @Test
  void eachDatabaseLackingAnIndexMostOfTheFleetHasGetsAdviceNamingAllThatLackIt() {
    var drift = FleetDrift.of(fleet(10, 4, 7), 0.7, 3, (target, dbId) -> "tenant" + dbId);
    assertThat(drift.observations()).hasSize(2).allSatisfy(o -> {
      var a = (Evidence.Advice) o.evidence();
      assertThat(a.rule()).isEqualTo("fleet_index_drift");
      assertThat(a.databases()).containsExactly("t/db4", "t/db7");
      assertThat(a.numbers()).containsEntry("databasesWithTable", 10.0).containsEntry("databasesWithIndex", 8.0);
      assertThat(a.ddl())
          .isEqualTo("CREATE INDEX CONCURRENTLY orders_customer_idx ON public.orders USING btree (customer_id)");
      assertThat(a.advice()).contains("8 of 10 databases", a.ddl());
    });
    assertThat(drift.observations()).extracting(Observation::subject).containsExactly(
        new Subject.Database("t", 104, "db4", "tenant104"), new Subject.Database("t", 107, "db7", "tenant107"));
    assertThat(drift.lacking("t", 104, "public", "orders")).singleElement()
        .satisfies(g -> assertThat(g.fingerprint()).isEqualTo(drift.observations().get(0).fingerprint()));
    assertThat(drift.lacking("t", 105, "public", "orders")).isEmpty();
    // Stable: the same fleet read again gives the same fingerprints.
    assertThat(FleetDrift.of(fleet(10, 4, 7), 0.7, 3).observations()).extracting(Observation::fingerprint)
        .isEqualTo(drift.observations().stream().map(Observation::fingerprint).toList());
  }

  @Test
  void anIndexFewHaveTooFewDatabasesOrTruncatedCatalogsGiveNoDrift() {
    // 6 of 10 have it: no majority to drift from.
    assertThat(FleetDrift.of(fleet(10, 1, 2, 3, 4), 0.7, 3).observations()).isEmpty();
    // Two databases are too few to call one of them odd.
    assertThat(FleetDrift.of(fleet(2, 1), 0.5001, 3).observations()).isEmpty();
    assertThatThrownBy(() -> FleetDrift.of(fleet(2, 1), 0.5, 3)).hasMessageContaining("minShare");
    // A truncated read of the lacking database is no evidence that it lacks anything.
    List<DatabaseCatalog> f = new ArrayList<>(fleet(5, 5));
    DatabaseCatalog c = f.get(4);
    f.set(4, new DatabaseCatalog(c.target(), c.dbId(), c.database(), c.readAt(), c.relations(), c.indexes(),
        Optional.empty(), c.churn(), true));
    assertThat(FleetDrift.of(f, 0.7, 3).observations()).isEmpty();
  }

  @Test
  void anInvalidIndexFromAFailedBuildCountsAsLackingAndIsDroppedFirst() {
    List<DatabaseCatalog> f = new ArrayList<>(fleet(5, 5));
    DatabaseCatalog c = f.get(4);
    IndexDef failed = new IndexDef("public", "orders", "orders_customer_idx", "btree", List.of("customer_id"),
        List.of(), null, false, false);
    f.set(4, catalog("t", c.dbId(), c.database(), c.relations(), List.of(c.indexes().get(0), failed)));
    assertThat(FleetDrift.of(f, 0.7, 3).observations()).singleElement().satisfies(o -> assertThat(
        ((Evidence.Advice) o.evidence()).advice()).contains("DROP INDEX CONCURRENTLY public.orders_customer_idx"));
  }

  @Test
  void aFleetOf700DatabasesWith300IndexesEachFindsTheFewThatLackOne() {
    List<DatabaseCatalog> f = new ArrayList<>();
    for (int db = 0; db < 700; db++) {
      List<IndexDef> indexes = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        if (db % 100 != 0 || i != 7) {
          indexes.add(btree("public", "t" + (i % 50), "ix" + i, "c" + i));
        }
      }
      List<dev.earlybird.model.RelationStats> tables = new ArrayList<>();
      for (int t = 0; t < 50; t++) {
        tables.add(table("public", "t" + t, 1000));
      }
      f.add(catalog("t", db, "db" + db, tables, indexes));
    }
    var drift = FleetDrift.of(f, 0.7, 3);
    assertThat(drift.observations()).hasSize(7).allSatisfy(o -> assertThat(((Evidence.Advice) o.evidence()).databases())
        .containsExactly("t/db0", "t/db100", "t/db200", "t/db300", "t/db400", "t/db500", "t/db600"));
  }
}
