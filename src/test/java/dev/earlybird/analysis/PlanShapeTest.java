package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Plans captured by GenericPlansIT on PostgreSQL 13 and 16 (test resources under plans/). */
class PlanShapeTest {

  @Test
  void anIndexLookupIsOneIndexScanWithItsConditionAndCost() throws IOException {
    PlanShape plan = PlanShape.parse(resource("index-scan-pg16.json"));
    assertThat(plan.nodes())
        .containsExactly(new PlanNode(
            0, "Index Scan", null, null, "public", "accounts", "accounts", "accounts_k", null,
            "(accounts.k = $1)", 0.29, 8.30, 1));
    assertThat(plan.totalCost()).isEqualTo(8.30);
    assertThat(plan.sequentialScans()).isEmpty();
    assertThat(plan.queryId()).hasValue(7777971470451690778L);
  }

  @Test
  void theSameLookupWithoutTheIndexIsASequentialScanWithTheFilterAndAnotherShape() throws IOException {
    PlanShape indexed = PlanShape.parse(resource("index-scan-pg16.json"));
    PlanShape flipped = PlanShape.parse(resource("seq-scan-pg16.json"));
    assertThat(flipped.sequentialScans())
        .singleElement()
        .satisfies(s -> {
          assertThat(s.qualifiedRelation()).isEqualTo("public.accounts");
          assertThat(s.filter()).isEqualTo("(accounts.k = $1)");
          assertThat(s.index()).isNull();
        });
    assertThat(flipped.hash()).isNotEqualTo(indexed.hash()).hasSize(16);
    // Same statement, same objects: the query identifier does not move with the plan.
    assertThat(flipped.queryId()).isEqualTo(indexed.queryId());
  }

  @Test
  void aJoinIsFlattenedInTreeOrderWithDepths() throws IOException {
    PlanShape plan = PlanShape.parse(resource("join-pg13.json"));
    assertThat(plan.nodes())
        .extracting(n -> n.depth() + " " + n.nodeType() + " " + n.joinType() + " " + n.qualifiedRelation()
            + " " + n.alias())
        .containsExactly(
            "0 Sort null null null",
            "1 Nested Loop Inner null null",
            "2 Seq Scan null public.accounts a",
            "2 Index Only Scan null app.users u");
    assertThat(plan.nodes().get(3).indexCond()).isEqualTo("(u.id = a.k)");
    assertThat(plan.sequentialScans()).extracting(PlanNode::filter).containsExactly("(a.note = $1)");
    assertThat(plan.totalCost()).isEqualTo(367.19);
    assertThat(plan.queryId()).isEmpty(); // PostgreSQL 13 has no query identifier in EXPLAIN
  }

  @Test
  void theShapeLeavesOutCostsRowsAndVersionDetailsButKeepsTheTree() throws IOException {
    // The same join planned on 13 and 16: 16 adds "Async Capable" and other costs, the shape stays.
    assertThat(PlanShape.parse(resource("join-pg16.json")).hash())
        .isEqualTo(PlanShape.parse(resource("join-pg13.json")).hash());
    String indexed = resource("index-scan-pg16.json");
    String cheaper = indexed.replace("8.30", "4.10").replace("\"Plan Rows\": 1", "\"Plan Rows\": 7");
    assertThat(PlanShape.parse(cheaper).hash()).isEqualTo(PlanShape.parse(indexed).hash());
    String otherIndex = indexed.replace("\"accounts_k\"", "\"accounts_k_note\"");
    assertThat(PlanShape.parse(otherIndex).hash()).isNotEqualTo(PlanShape.parse(indexed).hash());
  }

  @Test
  void whatIsNotExplainJsonIsRefusedWithAReason() {
    assertThatThrownBy(() -> PlanShape.parse("{\"Plan\": 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not EXPLAIN JSON");
    assertThatThrownBy(() -> PlanShape.parse("[{\"Planning\": {}}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not EXPLAIN JSON: no Plan in the first element");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PlanShapeTest.class.getResourceAsStream("/plans/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
