package dev.earlybird.analysis;

import static dev.earlybird.analysis.Catalogs.NOW;
import static dev.earlybird.analysis.Catalogs.statement;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.analysis.TempTableChurn.Churn;
import dev.earlybird.analysis.TempTableChurn.StatementUse;
import dev.earlybird.model.DatabaseCatalog.CatalogChurn;
import dev.earlybird.model.Evidence;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TempTableChurnTest {
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration MIN_PER_HOUR = Duration.ofSeconds(30);
  /** 7,200 temp tables of 4 columns an hour: a pg_class row each, 10 pg_attribute rows each (6 system columns). */
  static final Churn BUSY = new Churn(new CatalogChurn(1_000, 10_000, 500), NOW.minus(HOUR),
      new CatalogChurn(8_200, 82_000, 40_000), NOW);

  static StatementUse use(long queryId, String text, long calls, double execMs) {
    return new StatementUse(statement("t", 101, "db1", queryId), text, calls, execMs);
  }

  @Test
  void creatingAndFillingATempTableEveryFewSecondsIsAdvisedWithTheRewrite() {
    var create = use(1, "CREATE TEMP TABLE tmp_ids (id int, a int, b text, c date) ON COMMIT DROP", 7_200, 3_600);
    var insert = use(2, "INSERT INTO tmp_ids SELECT id, a, b, c FROM orders WHERE customer_id = $1", 7_200, 90_000);
    var other = use(3, "INSERT INTO orders (customer_id) VALUES ($1)", 7_200, 90_000);
    var obs = TempTableChurn.observe(List.of(create, insert, other), HOUR, BUSY, MIN_PER_HOUR);
    assertThat(obs).hasSize(2);
    var a = (Evidence.Advice) obs.get(0).evidence();
    assertThat(a.rule()).isEqualTo("temp_table_churn");
    assertThat(a.numbers()).containsEntry("tempTablesPerMinute", 120.0).containsEntry("pgClassInsertsPerHour", 7_200.0)
        .containsEntry("pgAttributeInsertsPerHour", 72_000.0);
    assertThat(a.advice()).contains("creates temporary table tmp_ids 120.0 times per minute", "unnest($1)",
        "ON COMMIT DELETE ROWS").doesNotContain("orders");
    var b = (Evidence.Advice) obs.get(1).evidence();
    assertThat(b.advice()).contains("fills temporary table tmp_ids").doesNotContain("customer_id");
    assertThat(obs.get(1).subject()).isEqualTo(insert.statement());
  }

  @Test
  void aTempTableFromAQueryGetsTheCteRewriteWithoutCatalogNumbersEvenOnTheFirstRead() {
    var ctas = use(1, "/* report */ create temporary table if not exists \"Totals\" as select 1", 600, 60_000);
    var obs = TempTableChurn.observe(List.of(ctas), HOUR, null, MIN_PER_HOUR);
    assertThat(obs).singleElement().satisfies(o -> assertThat(((Evidence.Advice) o.evidence()).advice())
        .contains("\"Totals\"", "as a CTE"));
  }

  @Test
  void aTempTableCreatedRarelyOrCheaplyOnAQuietCatalogGetsNothing() {
    // A nightly job: 30 creations in an hour.
    var rare = use(1, "CREATE TEMP TABLE tmp_ids (id int)", 30, 600_000);
    var insert = use(2, "INSERT INTO tmp_ids VALUES ($1)", 30_000, 600_000);
    assertThat(TempTableChurn.observe(List.of(rare, insert), HOUR, BUSY, MIN_PER_HOUR)).isEmpty();
    // Often, but cheap and the catalog is quiet (counters reset in between: no rate).
    var cheap = use(1, "CREATE TEMP TABLE tmp_ids (id int)", 120, 60);
    var reset = new Churn(new CatalogChurn(9_000, 90_000, 0), NOW.minus(HOUR), new CatalogChurn(10, 100, 0), NOW);
    assertThat(TempTableChurn.observe(List.of(cheap), HOUR, reset, MIN_PER_HOUR)).isEmpty();
    // A table in a named schema is no temporary table.
    assertThat(TempTableChurn.created("CREATE TABLE app.t (id int)")).isEmpty();
    assertThat(TempTableChurn.inserted("INSERT INTO pg_temp.tmp_ids VALUES (1)")).hasValue("tmp_ids");
    assertThat(TempTableChurn.inserted("INSERT INTO app.tmp_ids VALUES (1)")).isEmpty();
  }

  @Test
  void catalogReadsLessThanASecondApartStillGiveARate() {
    // 500 temporary tables between two reads 0.5 s apart: 3.6 million pg_class rows an hour, not "no rate".
    var quick = new Churn(new CatalogChurn(0, 0, 0), NOW.minusMillis(500), new CatalogChurn(500, 3_500, 0), NOW);
    var create = use(1, "CREATE TEMP TABLE tmp_ids (id int) ON COMMIT DROP", 120, 60);
    assertThat(TempTableChurn.observe(List.of(create), HOUR, quick, MIN_PER_HOUR)).singleElement()
        .satisfies(o -> assertThat(((Evidence.Advice) o.evidence()).numbers())
            .containsEntry("pgClassInsertsPerHour", 3_600_000.0));
  }

  @Test
  void theSameFillOfEachTransactionsTableIsOneAdviceThoughItIsANewEntryEveryTime() {
    // Before PostgreSQL 18 each transaction's batch_ids has its own oid, so its INSERT is a new entry every time.
    List<StatementUse> uses = new java.util.ArrayList<>();
    uses.add(use(1, "CREATE TEMP TABLE batch_ids (id int) ON COMMIT DROP", 7_200, 3_600));
    for (long q = 100; q < 300; q++) {
      uses.add(use(q, "INSERT INTO batch_ids SELECT generate_series($1, $2)", 36, 18));
    }
    var obs = TempTableChurn.observe(uses, HOUR, BUSY, MIN_PER_HOUR);
    assertThat(obs).hasSize(2);
    assertThat(((Evidence.Advice) obs.get(1).evidence()).advice())
        .startsWith("fills temporary table batch_ids (120.0 calls per minute)");
    // The next window's entries have other queryids: the same advice.
    uses.subList(1, uses.size()).replaceAll(u -> use(u.statement().queryId() + 1_000, u.text(), u.calls(), u.execMs()));
    assertThat(TempTableChurn.observe(uses, HOUR, BUSY, MIN_PER_HOUR).get(1).fingerprint())
        .isEqualTo(obs.get(1).fingerprint());
  }
}
