package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HypotheticalIndexesTest {
  @Test
  void acceptsOnlyAPlainBtreeOnOneOrTwoColumnsOfAQualifiedTable() {
    for (String ok : new String[] {
        "CREATE INDEX ON public.orders USING btree (customer_id)",
        "create index on app.orders using btree (customer_id, status)",
        "CREATE INDEX ON \"Tenant\".\"Order \"\"x\"\"\" USING btree (\"Customer Id\", status)"}) {
      assertThat(HypotheticalIndexes.DDL.matcher(ok).matches()).as(ok).isTrue();
    }
    for (String refused : new String[] {
        "CREATE INDEX ON orders USING btree (customer_id)",
        "CREATE INDEX ON public.orders USING btree (a, b, c)",
        "CREATE INDEX ON public.orders USING btree (customer_id DESC)",
        "CREATE INDEX ON public.orders USING btree (customer_id) INCLUDE (status)",
        "CREATE UNIQUE INDEX ON public.orders USING btree (customer_id)",
        "CREATE INDEX CONCURRENTLY ON public.orders USING btree (customer_id)",
        "CREATE INDEX orders_c ON public.orders USING btree (customer_id)",
        "CREATE INDEX ON public.orders USING gin (customer_id)",
        "CREATE INDEX ON public.\"or\\ders\" USING btree (customer_id)",
        "CREATE INDEX ON public.orders USING btree ((customer_id + 1))",
        "CREATE INDEX ON public.orders USING btree (customer_id)\n"}) {
      assertThat(HypotheticalIndexes.DDL.matcher(refused).matches()).as(refused).isFalse();
    }
  }

  @Test
  void findsTheHypotheticalIndexAtAnyDepthOfThePlan() throws Exception {
    var plan = new ObjectMapper().readTree("""
        {"Node Type": "Nested Loop", "Total Cost": 120.5, "Plans": [
          {"Node Type": "Index Scan", "Index Name": "orders_pkey", "Total Cost": 8.3},
          {"Node Type": "Index Scan", "Index Name": "<13543>btree_orders_customer_id", "Total Cost": 4.2}]}""");
    assertThat(HypotheticalIndexes.totalCost(plan)).isEqualTo(120.5);
    assertThat(HypotheticalIndexes.usesHypothetical(plan)).isTrue();
    assertThat(HypotheticalIndexes.usesHypothetical(plan.path("Plans").get(0))).isFalse();
  }
}
