package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.NOW;
import static dev.earlybird.analysis.Catalogs.catalog;
import static dev.earlybird.analysis.Catalogs.plan;
import static dev.earlybird.analysis.Catalogs.statement;
import static dev.earlybird.analysis.Catalogs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Evidence;
import dev.earlybird.model.RelationStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaleStatisticsTest {
  static final dev.earlybird.model.Subject.Statement ST = statement("t", 101, "db1", 42);

  static RelationStats orders(long modified, Duration analyzedAgo) {
    return new RelationStats("public", "orders", "r", 200_000, 2000, 16_000_000, 200_000, 0, modified,
        Optional.empty(), analyzedAgo == null ? Optional.empty() : Optional.of(NOW.minus(analyzedAgo)));
  }

  static StaleStatistics.FleetAges fleetAnalyzedHoursAgo(int databases, long hours) {
    List<dev.earlybird.model.DatabaseCatalog> fleet = new ArrayList<>();
    for (int i = 0; i < databases; i++) {
      fleet.add(catalog("t", 200 + i, "db" + i, List.of(orders(0, Duration.ofHours(hours))), List.of()));
    }
    return StaleStatistics.FleetAges.of(fleet, NOW);
  }

  @Test
  void aTableWithManyChangesSinceItsLastAnalyzeIsAdvisedToBeAnalyzed() {
    var db = catalog("t", 101, "db1", List.of(orders(60_000, Duration.ofHours(2))), List.of());
    var obs = StaleStatistics.observe(ST, plan("seq-scan-customer-pg15.json"), db, StaleStatistics.FleetAges.NONE,
        Set.of(), NOW);
    assertThat(obs).singleElement().satisfies(o -> {
      var a = (Evidence.Advice) o.evidence();
      assertThat(a.rule()).isEqualTo("stale_statistics");
      assertThat(a.numbers()).containsEntry("modSinceAnalyzePct", 30.0).containsEntry("analyzeAgeHours", 2.0);
      assertThat(a.advice()).contains("30% of its rows", "ANALYZE public.orders").doesNotContain("autovacuum");
      // The command alone, for the page and for the advisor to remember which tables keep coming back.
      assertThat(a.ddl()).isEqualTo("ANALYZE public.orders");
    });
    // Again: a per-table autovacuum setting too.
    var again = StaleStatistics.observe(ST, plan("seq-scan-customer-pg15.json"), db, StaleStatistics.FleetAges.NONE,
        Set.of("public.orders"), NOW);
    assertThat(((Evidence.Advice) again.get(0).evidence()).advice())
        .contains("ALTER TABLE public.orders SET (autovacuum_analyze_scale_factor = 0.05)");
  }

  @Test
  void anAnalyzeFarOlderThanTheFleetsOrNoneAtAllIsStale() {
    var fleet = fleetAnalyzedHoursAgo(5, 6);
    var old = catalog("t", 101, "db1", List.of(orders(100, Duration.ofDays(5))), List.of());
    var o = StaleStatistics.observe(ST, plan("seq-scan-customer-pg15.json"), old, fleet, Set.of(), NOW);
    assertThat(o).singleElement().satisfies(x -> assertThat(((Evidence.Advice) x.evidence()).numbers())
        .containsEntry("analyzeAgeHours", 120.0).containsEntry("fleetMedianAnalyzeAgeHours", 6.0));
    var never = catalog("t", 101, "db1", List.of(orders(0, null)), List.of());
    assertThat(StaleStatistics.observe(ST, plan("seq-scan-customer-pg15.json"), never, fleet, Set.of(), NOW))
        .singleElement().satisfies(x -> assertThat(((Evidence.Advice) x.evidence()).advice())
            .contains("never analyzed"));
  }

  @Test
  void freshStatisticsAndTablesNotInThePlanGiveNothing() {
    var fleet = fleetAnalyzedHoursAgo(5, 6);
    var fresh = catalog("t", 101, "db1", List.of(orders(5_000, Duration.ofHours(8)), table("app", "users", 10)),
        List.of());
    assertThat(StaleStatistics.observe(ST, plan("seq-scan-customer-pg15.json"), fresh, fleet, Set.of(), NOW))
        .isEmpty();
    // The accounts plan reads another table: orders' staleness is not its business.
    var stale = catalog("t", 101, "db1", List.of(orders(90_000, null)), List.of());
    assertThat(StaleStatistics.observe(ST, plan("seq-scan-pg16.json"), stale, fleet, Set.of(), NOW)).isEmpty();
  }

  @Test
  void aTableNeverAnalyzedIsJustThatNotAlsoChangedSinceAnAnalyzeItNeverHad() {
    // What pg_stat_user_tables shows after 5,000 inserts into a new table: every row counts as modified.
    var wards = new RelationStats("public", "orders", "r", -1, 0, 400_000, 5_000, 0, 5_000, Optional.empty(),
        Optional.empty());
    var db = catalog("t", 101, "db1", List.of(wards), List.of());
    assertThat(StaleStatistics.observe(ST, plan("seq-scan-customer-pg15.json"), db, StaleStatistics.FleetAges.NONE,
        Set.of(), NOW)).singleElement().satisfies(o -> assertThat(((Evidence.Advice) o.evidence()).advice())
            .startsWith("statistics of public.orders are stale: it was never analyzed; the planner"));
  }
}
