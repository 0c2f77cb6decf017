package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.btree;
import static dev.earlybird.analysis.Catalogs.catalog;
import static dev.earlybird.analysis.Catalogs.plan;
import static dev.earlybird.analysis.Catalogs.table;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexCandidatesTest {

  @Test
  void aSequentialScanOfALargeTableGetsThePairThenEachColumn() {
    var catalog = catalog("t", 1, "app", List.of(table("public", "orders", 200_000)),
        List.of(btree("public", "orders", "orders_pkey", "id")));
    // A parallel sequential scan under a Gather: filter "((orders.created_at >= $2) AND (orders.customer_id = $1))".
    var c = IndexCandidates.of(plan("seq-scan-customer-range-pg15.json"), catalog, IndexCandidates.DEFAULT_MIN_ROWS);
    assertThat(c).extracting(IndexCandidate::columns)
        .containsExactly(List.of("customer_id", "created_at"), List.of("customer_id"), List.of("created_at"));
    assertThat(c.get(0).ddl()).isEqualTo("CREATE INDEX CONCURRENTLY ON public.orders (customer_id, created_at)");
    assertThat(c.get(0).hypotheticalDdl())
        .isEqualTo("CREATE INDEX ON public.orders USING btree (customer_id, created_at)");
    assertThat(c.get(0).tableRows()).isEqualTo(200_000);
    assertThat(c.get(0).scanRows()).isEqualTo(8);
  }

  @Test
  void quotedColumnsAreQuotedInTheDdlAndAnIndexThatCoversThemIsNotProposedAgain() {
    var orders = table("public", "orders", 200_000);
    var c = IndexCandidates.of(plan("seq-scan-quoted-pg15.json"), catalog("t", 1, "app", List.of(orders), List.of()),
        IndexCandidates.DEFAULT_MIN_ROWS);
    assertThat(c).singleElement().satisfies(x -> {
      assertThat(x.columns()).containsExactly("Region");
      assertThat(x.ddl()).isEqualTo("CREATE INDEX CONCURRENTLY ON public.orders (\"Region\")");
    });
    // The catalog prints the key as pg_get_indexdef does, quoted; a longer index starting with it covers it too.
    var covered = catalog("t", 1, "app", List.of(orders), List.of(btree("public", "orders", "r", "\"Region\"", "id")));
    assertThat(IndexCandidates.of(plan("seq-scan-quoted-pg15.json"), covered, 10_000)).isEmpty();
  }

  @Test
  void smallTablesViewsAndPlansWithoutSequentialScansGetNothing() {
    var small = catalog("t", 1, "app", List.of(table("public", "orders", 5_000)), List.of());
    assertThat(IndexCandidates.of(plan("seq-scan-customer-pg15.json"), small, 10_000)).isEmpty();
    var unanalyzed = new dev.earlybird.model.RelationStats("public", "orders", "r", -1, 0, 0, 50_000, 0, 50_000,
        java.util.Optional.empty(), java.util.Optional.empty());
    assertThat(IndexCandidates.of(plan("seq-scan-customer-pg15.json"),
        catalog("t", 1, "app", List.of(unanalyzed), List.of()), 10_000))
        .extracting(IndexCandidate::columns).containsExactly(List.of("customer_id"));
    var big = catalog("t", 1, "app", List.of(table("public", "orders", 200_000)), List.of());
    assertThat(IndexCandidates.of(plan("index-scan-customer-pg15.json"), big, 10_000)).isEmpty();
    assertThat(IndexCandidates.of(plan("seq-scan-or-pg15.json"), big, 10_000)).isEmpty();
    // A three-valued status and a range keep 11% of the table: no index on them would be read instead.
    assertThat(IndexCandidates.of(plan("seq-scan-eq-range-pg15.json"), big, 10_000)).isEmpty();
  }

  @Test
  void aWholeIndexWalkedForItsOrderAndFilteredRowByRowIsAsCostlyAsASequentialScan() {
    // ORDER BY created_at DESC LIMIT 20 over an index on created_at, filtering every row for one customer: the plan
    // the demo's lookup takes once its customer index is gone.
    var catalog = catalog("t", 1, "app", List.of(table("public", "orders", 40_000)),
        List.of(btree("public", "orders", "orders_created_idx", "created_at")));
    assertThat(IndexCandidates.of(plan("full-index-scan-limit-pg17.json"), catalog, IndexCandidates.DEFAULT_MIN_ROWS))
        .extracting(IndexCandidate::columns).containsExactly(List.of("customer_id"));
    // An index scan with an index condition reads only what it looks up: nothing to add.
    assertThat(IndexCandidates.of(plan("index-scan-customer-pg15.json"), catalog, 10_000)).isEmpty();
  }
}
