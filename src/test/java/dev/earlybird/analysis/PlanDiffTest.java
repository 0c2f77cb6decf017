package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PlanDiffTest {

  @Test
  void aLookupThatLostItsIndexSaysHowTheTableIsReadNow() {
    assertThat(PlanDiff.between(plan("index-scan-customer-pg15.json"), plan("seq-scan-customer-pg15.json")))
        .containsExactly("Bitmap Heap Scan using orders_customer_idx on public.orders → Seq Scan on public.orders");
    assertThat(PlanDiff.between(plan("index-scan-pg16.json"), plan("seq-scan-pg16.json")))
        .containsExactly("Index Scan using accounts_k on public.accounts → Seq Scan on public.accounts");
  }

  @Test
  void thePlanAgainstItselfOrTheSameShapeOnAnotherVersionHasNoChanges() {
    assertThat(PlanDiff.between(plan("join-pg16.json"), plan("join-pg16.json"))).isEmpty();
    assertThat(PlanDiff.between(plan("join-pg13.json"), plan("join-pg16.json"))).isEmpty();
  }

  @Test
  void joinsThatChangeArePairedAndLongDiffsAreBounded() {
    var join = plan("join-pg16.json");
    List<PlanNode> nodes = new ArrayList<>(join.nodes());
    PlanNode loop = nodes.get(1);
    nodes.set(1, new PlanNode(loop.depth(), "Hash Join", null, "Inner", null, null, null, null, null, null, 0, 0, 1));
    var hashed = new PlanShape(nodes, join.totalCost(), "x", OptionalLong.empty());
    assertThat(PlanDiff.between(join, hashed)).containsExactly("Nested Loop (Inner) → Hash Join (Inner)");

    List<PlanNode> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add(new PlanNode(1, "Seq Scan", null, null, "public", "t" + i, "t" + i, null, null, null, 0, 0, 1));
    }
    var wide = new PlanShape(many, 1, "y", OptionalLong.empty());
    List<String> lines = PlanDiff.between(join, wide);
    assertThat(lines).hasSize(PlanDiff.MAX_LINES);
    assertThat(lines.get(0)).isEqualTo("Seq Scan on public.accounts a → (not read) public.accounts a");
    assertThat(lines.get(PlanDiff.MAX_LINES - 1)).startsWith("… and ").endsWith(" more changes");
  }
}
