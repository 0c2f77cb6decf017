package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Filters as PostgreSQL 15 prints them with EXPLAIN (VERBOSE), most taken from the plans under plans/. */
class FilterColumnsTest {

  @Test
  void equalityColumnsComeBeforeRangeColumnsWhateverTheFilterOrder() {
    var f = FilterColumns.of("((orders.created_at >= $2) AND (orders.status = $1))", "orders");
    assertThat(f.equality()).containsExactly("status");
    assertThat(f.range()).containsExactly("created_at");
    assertThat(f.all()).containsExactly("status", "created_at");
  }

  @Test
  void quotedIdentifiersAreUnquotedAndFunctionsCastsToOtherTypesAndIsNullAreLeftOut() {
    var f = FilterColumns.of("((o.note IS NULL) AND (o.\"Region\" = $1) AND (lower(o.status) = $2) AND "
        + "((o.created_at)::date = '2026-01-01'::date))", "o");
    assertThat(f.equality()).containsExactly("Region");
    assertThat(f.range()).isEmpty();
  }

  @Test
  void aLikeWithAFixedPrefixOnAVarcharIsARangeAndNotEqualIsNothing() {
    var f = FilterColumns.of("(((orders.note)::text ~~ 'n12%'::text) AND (orders.customer_id <> $1))", "orders");
    assertThat(f.equality()).isEmpty();
    assertThat(f.range()).containsExactly("note");
    assertThat(FilterColumns.of("((orders.note)::text ~~ '%n12'::text)", "orders").all()).isEmpty();
  }

  @Test
  void columnsOnlyUnderAnOrAreLeftOutButAnAndBesideTheOrCounts() {
    assertThat(FilterColumns.of("(((o.note)::text ~~ 'n12%'::text) OR (o.status = $1))", "o").all()).isEmpty();
    var f = FilterColumns.of("((o.customer_id = $1) AND ((o.status = 'a'::text) OR (o.status = 'b'::text)))", "o");
    assertThat(f.all()).containsExactly("customer_id");
  }

  @Test
  void anyListsParametersOnTheLeftAndOtherAliasesAreHandled() {
    var f = FilterColumns.of("((o.status = ANY ('{open,held}'::text[])) AND ($1 < o.total) AND (c.id = $2) AND "
        + "(o.customer_id = c.id) AND (o.id <> ALL ($3)))", "o");
    assertThat(f.equality()).containsExactly("status");
    assertThat(f.range()).containsExactly("total");
  }

  @Test
  void stringsThatLookLikeSyntaxStayStringsAndUnreadableFiltersGiveNothing() {
    var f = FilterColumns.of("((o.note = 'a AND b OR (c'::text) AND (o.k = E'x\\'y'::text))", "o");
    assertThat(f.equality()).containsExactly("note", "k");
    assertThat(FilterColumns.of("(o.note = 'unterminated)", "o")).isEqualTo(FilterColumns.NONE);
    assertThat(FilterColumns.of(null, "o")).isEqualTo(FilterColumns.NONE);
  }
}
