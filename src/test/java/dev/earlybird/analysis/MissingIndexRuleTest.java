package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.btree;
import static dev.earlybird.analysis.Catalogs.catalog;
import static dev.earlybird.analysis.Catalogs.plan;
import static dev.earlybird.analysis.Catalogs.statement;
import static dev.earlybird.analysis.Catalogs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.analysis.MissingIndexRule.Trial;
import dev.earlybird.model.DatabaseCatalog;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.HypotheticalCost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MissingIndexRuleTest {
  static final DatabaseCatalog APP = catalog("t", 101, "db1", List.of(table("public", "orders", 200_000)),
      List.of(btree("public", "orders", "orders_pkey", "id")));
  static final dev.earlybird.model.Subject.Statement ST = statement("t", 101, "db1", 42);

  static List<IndexCandidate> customerCandidates() {
    return IndexCandidates.of(plan("seq-scan-customer-pg15.json"), APP, IndexCandidates.DEFAULT_MIN_ROWS);
  }

  @Test
  void anIndexHypoPgConfirmsIsAdvisedWithItsCosts() {
    IndexCandidate c = customerCandidates().get(0);
    // The costs PostgreSQL 15 gave this plan without and with HypoPG's index on customer_id.
    var trial = new Trial.Tried(c, new HypotheticalCost(c.hypotheticalDdl(), 4369.00, 147.30, true));
    var o = MissingIndexRule.observe(ST, List.of(trial), 50, null).orElseThrow();
    var a = (Evidence.Advice) o.evidence();
    assertThat(a.rule()).isEqualTo("missing_index");
    assertThat(a.ddl()).isEqualTo("CREATE INDEX CONCURRENTLY ON public.orders (customer_id)");
    assertThat(a.hypothetical()).isEqualTo(new Evidence.Hypothetical(4369.00, 147.30, 96.6));
    assertThat(a.numbers()).containsEntry("tableRows", 200_000.0).containsEntry("reductionPct", 96.6);
    assertThat(a.advice()).contains("falls by 97%", a.ddl()).doesNotContain("unconfirmed");
    assertThat(o.subject()).isEqualTo(ST);
    assertThat(IndexApplied.present(a, APP)).isFalse();
  }

  @Test
  void whatHypoPgSaysDoesNotHelpEnoughIsNotAdvisedAndTheBestOfSeveralWins() {
    var cs = IndexCandidates.of(plan("seq-scan-customer-range-pg15.json"), APP, 10_000);
    // HypoPG's index that the planner does not use, whatever its cost says.
    List<Trial> none = cs.stream()
        .<Trial>map(c -> new Trial.Tried(c, new HypotheticalCost(c.hypotheticalDdl(), 4635.01, 1000, false))).toList();
    assertThat(MissingIndexRule.observe(ST, none, 50, null)).isEmpty();
    // Used but saving only 30%: below the bar.
    var little = new Trial.Tried(cs.get(0), new HypotheticalCost(cs.get(0).hypotheticalDdl(), 100, 70, true));
    assertThat(MissingIndexRule.observe(ST, List.of(little), 50, null)).isEmpty();
    // PostgreSQL 15's costs with each hypothetical index (the range column alone was not tried: refused, say).
    List<Trial> mixed = new ArrayList<>(List.of(
        new Trial.Tried(cs.get(0), new HypotheticalCost(cs.get(0).hypotheticalDdl(), 4635.01, 53.12, true)),
        new Trial.Tried(cs.get(1), new HypotheticalCost(cs.get(1).hypotheticalDdl(), 4635.01, 147.39, true)),
        new Trial.NotTried(cs.get(2), "HypoPG refused it")));
    assertThat(MissingIndexRule.observe(ST, mixed, 50, null).map(o -> ((Evidence.Advice) o.evidence()).ddl()))
        .hasValue("CREATE INDEX CONCURRENTLY ON public.orders (customer_id, created_at)");
    // Equal savings: the smaller index.
    List<Trial> tie = List.of(
        new Trial.Tried(cs.get(0), new HypotheticalCost(cs.get(0).hypotheticalDdl(), 100, 20, true)),
        new Trial.Tried(cs.get(1), new HypotheticalCost(cs.get(1).hypotheticalDdl(), 100, 20, true)));
    assertThat(MissingIndexRule.observe(ST, tie, 50, null).map(o -> ((Evidence.Advice) o.evidence()).ddl()))
        .hasValue("CREATE INDEX CONCURRENTLY ON public.orders (customer_id)");
  }

  @Test
  void withoutHypoPgTheAdviceSaysUnconfirmedAndWhy() {
    IndexCandidate c = customerCandidates().get(0);
    var o = MissingIndexRule.observe(ST, List.of(new Trial.NotTried(c, "HypoPG is not installed in db1")), 50, null)
        .orElseThrow();
    var a = (Evidence.Advice) o.evidence();
    assertThat(a.hypothetical()).isNull();
    assertThat(a.advice()).contains("unconfirmed: HypoPG is not installed in db1", a.ddl());
    assertThat(o.summary()).contains("unconfirmed");
    assertThat(MissingIndexRule.observe(ST, List.of(), 50, null)).isEmpty();
  }

  @Test
  void anIndexTheRestOfTheFleetHasIsNamedAsTheLikelyCause() {
    var fleet = FleetDriftTest.fleet(10, 1);
    var drift = FleetDrift.of(fleet, 0.7, 3);
    var lacking = fleet.get(0);
    IndexCandidate c = IndexCandidates.of(plan("seq-scan-customer-pg15.json"), lacking, 10_000).get(0);
    var a = (Evidence.Advice) MissingIndexRule
        .observe(ST, List.of(new Trial.NotTried(c, "HypoPG is not installed in db1")), 50, drift).orElseThrow()
        .evidence();
    assertThat(a.related()).isEqualTo(drift.observations().get(0).fingerprint());
    assertThat(a.advice()).contains("Likely cause", "9 of 10 databases");
    // A database that has the fleet's index has no drift to point to.
    var other = statement("t", 102, "db2", 42);
    var b = (Evidence.Advice) MissingIndexRule
        .observe(other, List.of(new Trial.NotTried(c, "refused")), 50, drift).orElseThrow().evidence();
    assertThat(b.related()).isNull();
  }
}
