package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.PlanCapture.SkipReason;
import dev.earlybird.model.PlanCapture.Skipped;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTextTest {

  @Test
  void theFirstKeywordIsFoundAfterCommentsAndParentheses() {
    assertThat(PlanText.firstKeyword("  /* app: billing /* nested */ */ -- x\n (select 1) union (select 2)"))
        .isEqualTo("SELECT");
    assertThat(PlanText.firstKeyword("with x as (delete from t returning *) select * from x")).isEqualTo("WITH");
    assertThat(PlanText.firstKeyword("-- only a comment")).isEmpty();
  }

  @Test
  void onlyOnePlannableStatementWithFewParametersIsPlanned() {
    assertThat(PlanText.refusal("SELECT * FROM t WHERE k = $1", false, 100, true)).isEmpty();
    assertThat(PlanText.refusal("INSERT INTO t VALUES ($1, $2);", false, 100, true)).isEmpty();
    assertThat(PlanText.refusal("SELECT * FROM t WHERE k = $1", true, 100, true))
        .contains(new Skipped(SkipReason.TRUNCATED, "the text was cut at track_activity_query_size"));
    for (String utility : List.of("VACUUM t", "CREATE TABLE x AS SELECT 1", "EXPLAIN ANALYZE SELECT 1", "COMMIT", "")) {
      assertThat(PlanText.refusal(utility, false, 100, true)).get().extracting(Skipped::reason)
          .isEqualTo(SkipReason.UTILITY);
    }
    assertThat(PlanText.refusal("SELECT 1; COMMIT; DROP TABLE t", false, 100, true))
        .contains(new Skipped(SkipReason.MULTIPLE_STATEMENTS, "the text holds more than one statement"));
    // A ; inside a literal, a quoted name or a comment is not a second statement.
    assertThat(PlanText.refusal("SELECT ';', \"a;b\", $$;$$ /* ; */ FROM t", false, 100, true)).isEmpty();
    // The session's standard_conforming_strings decides where a string ends: with it on, a backslash is a plain
    // character and the ; after the quote ends a statement; with it off, the backslash escapes the quote.
    String backslash = "SELECT 'a\\'; DROP TABLE t; --'";
    assertThat(PlanText.refusal(backslash, false, 100, true)).get().extracting(Skipped::reason)
        .isEqualTo(SkipReason.MULTIPLE_STATEMENTS);
    assertThat(PlanText.refusal(backslash, false, 100, false)).isEmpty();
    assertThat(PlanText.refusal("SELECT * FROM t WHERE k IN ($1, $2, $3)", false, 2, true))
        .contains(new Skipped(SkipReason.TOO_MANY_PARAMETERS, "3 parameters, more than the limit of 2"));
  }

  @Test
  void parametersAreDollarNumbersOutsideNames() {
    assertThat(PlanText.highestParameter("SELECT a$1 FROM t WHERE k = $12 AND v = $3")).isEqualTo(12);
    assertThat(PlanText.highestParameter("SELECT 1")).isZero();
  }

  @Test
  void theSearchPathQuotesEachSchemaBetweenCatalogAndTemp() {
    assertThat(GenericPlans.searchPath(GenericPlans.DEFAULT_SCHEMAS))
        .isEqualTo("pg_catalog, \"$user\", \"public\", pg_temp");
    assertThat(GenericPlans.searchPath(List.of("we\"ird"))).isEqualTo("pg_catalog, \"we\"\"ird\", pg_temp");
    assertThat(GenericPlans.nullArguments(List.of("integer", "\"My Type\"")))
        .isEqualTo("(NULL::integer, NULL::\"My Type\")");
    assertThat(GenericPlans.nullArguments(List.of())).isEmpty();
  }
}
