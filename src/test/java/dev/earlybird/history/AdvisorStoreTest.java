package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.IndexDef;
import dev.earlybird.model.RelationStats;
import dev.earlybird.model.StatementText;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The advisor's plans and catalogs in the DuckDB store: what is written reads back, also after a reopen. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class AdvisorStoreTest {
  @Parameter StoreKind kind;

  static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  static final StatementRef S = new StatementRef("pg", 5, -42);
  @TempDir Path dir;
  JdbcHistoryStore store;

  AdvisorStore open() {
    if (store != null) {
      store.close();
    }
    store = kind.open(dir, () -> T0);
    return store.advisor();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static PlanAttempt planned(Instant at, String hash, double cost) {
    return new PlanAttempt(S, at, PlanAttempt.PLANNED, null, hash, cost, "[{\"Plan\": {\"Node Type\": \"Seq Scan\"}}]");
  }

  @Test
  void plansAreKeptByShapeTheLatestFirstAndASkipDoesNotHideThem() {
    AdvisorStore a = open();
    a.recordPlan(planned(T0, "aaaa", 100));
    a.recordPlan(planned(T0.plusSeconds(60), "aaaa", 110));
    a.recordPlan(planned(T0.plusSeconds(120), "bbbb", 5));
    a.recordPlan(new PlanAttempt(S, T0.plusSeconds(180), "ambiguous_type", "SQLSTATE 42P18: could not determine",
        null, Double.NaN, null));
    a = open();
    List<StoredPlan> plans = a.plans(S);
    assertThat(plans).extracting(StoredPlan::shapeHash).containsExactly("bbbb", "aaaa");
    assertThat(plans.get(1).firstSeen()).isEqualTo(T0);
    assertThat(plans.get(1).lastSeen()).isEqualTo(T0.plusSeconds(60));
    assertThat(plans.get(1).totalCost()).isEqualTo(110);
    assertThat(a.lastAttempt(S)).get().satisfies(p -> {
      assertThat(p.planned()).isFalse();
      assertThat(p.outcome()).isEqualTo("ambiguous_type");
    });
    assertThat(a.lastAttempts("pg")).containsEntry(S, T0.plusSeconds(180));
    assertThat(a.plans(new StatementRef("pg", 5, 42))).as("another queryid").isEmpty();
  }

  @Test
  void aCatalogReadsBackWholeAndAFreshReadReplacesIt() {
    AdvisorStore a = open();
    var orders = new RelationStats("public", "orders", "r", 200_000, 1_500, 12_288_000, 200_000, 10, 30_000,
        Optional.of(T0.minusSeconds(3600)), Optional.empty());
    var idx = new IndexDef("public", "orders", "orders_customer_idx", "btree", List.of("customer_id", "(lower(status))"),
        List.of("created_at"), "(status <> 'done'::text)", false, true);
    var catalog = new DatabaseCatalog("pg", 5, "tenant_a", T0, List.of(orders), List.of(idx), Optional.of("public"),
        new DatabaseCatalog.CatalogChurn(10, 200, 30), false);
    a.saveCatalog(catalog);
    a = open();
    assertThat(a.catalog("pg", 5)).contains(catalog);
    assertThat(a.catalogs()).containsExactly(catalog);

    var later = new DatabaseCatalog("pg", 5, "tenant_a", T0.plusSeconds(60), List.of(orders), List.of(),
        Optional.empty(), DatabaseCatalog.CatalogChurn.NONE, true);
    a.saveCatalog(later);
    assertThat(a.catalogs()).containsExactly(later);
  }

  @Test
  void retentionDropsPlansAndCatalogsNotRefreshedForTheDailyTier() {
    AdvisorStore a = open();
    a.recordPlan(planned(T0, "aaaa", 100));
    a.saveCatalog(new DatabaseCatalog("pg", 5, "tenant_a", T0, List.of(), List.of(), Optional.empty(),
        DatabaseCatalog.CatalogChurn.NONE, false));
    Duration day = Duration.ofDays(1);
    store.maintain(T0.plus(day).plusSeconds(1), new Retention(day, day, day));
    assertThat(a.plans(S)).isEmpty();
    assertThat(a.catalogs()).isEmpty();
  }

  @Test
  void statementsThatCreateTemporaryTablesAreFoundByText() {
    AdvisorStore a = open();
    store.saveTexts(List.of(
        new StatementText("pg", 5, 1, "CREATE TEMP TABLE tmp_ids (id int)", false, "f1"),
        new StatementText("pg", 5, 2, "create temporary table t2 as select 1", false, "f2"),
        new StatementText("pg", 5, 3, "SELECT * FROM orders WHERE id = $1", false, "f3")));
    assertThat(a.temporaryTableCreators(10)).extracting(StatementRef::queryId).containsExactly(1L, 2L);
  }
}
