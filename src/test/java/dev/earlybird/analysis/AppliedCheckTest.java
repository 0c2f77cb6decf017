package dev.earlybird.analysis;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static dev.earlybird.analysis.Catalogs.NOW;
import static dev.earlybird.analysis.Catalogs.btree;
import static dev.earlybird.analysis.Catalogs.catalog;
import static dev.earlybird.analysis.Catalogs.table;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.history.Usage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.IndexDef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedCheckTest {
  static final Instant ABSENT = NOW.minusSeconds(7200);

  /** {@code calls} calls of mean {@code mean} ms and standard deviation {@code sd}, IO timed, no kcache. */
  static Usage usage(long calls, double mean, double sd, double ioMs) {
    double exec = calls * mean;
    double squares = calls * (sd * sd + mean * mean);
    return new Usage(1, CounterValues.ZERO.with(Counter.CALLS, calls)
            .with(Counter.ROWS, calls)
            .with(Counter.EXEC_MS, exec)
            .with(Counter.EXEC_SUMSQ_MS, squares)
            .with(Counter.IO_READ_MS, ioMs), 0, 0, 1);
  }

  @Test
  void aStatementThatGotFasterAfterTheIndexIsImprovedWithBothSides() {
    var applied = AppliedCheck.judge(ABSENT, NOW, usage(1000, 40, 10, 4000), usage(500, 2, 1, 100), 100, 0.01);
    assertThat(applied.verdict()).isEqualTo(Evidence.Applied.IMPROVED);
    assertThat(applied.pValue()).isLessThan(0.01);
    assertThat(applied.before()).isEqualTo(new Evidence.Side(1000, 40, 36, "exec_minus_io"));
    assertThat(applied.after()).isEqualTo(new Evidence.Side(500, 2, 1.8, "exec_minus_io"));
    assertThat(applied.absentAt()).isEqualTo(ABSENT);
    assertThat(applied.seenAt()).isEqualTo(NOW);
  }

  @Test
  void tooFewCallsSinceIsPendingAndNoFallIsNotImproved() {
    var pending = AppliedCheck.judge(ABSENT, NOW, usage(1000, 40, 10, 0), usage(20, 2, 1, 0), 100, 0.01);
    assertThat(pending.verdict()).isEqualTo(Evidence.Applied.PENDING);
    assertThat(pending.pValue()).isNaN();
    var same = AppliedCheck.judge(ABSENT, NOW, usage(1000, 40, 10, 0), usage(1000, 40.2, 10, 0), 100, 0.01);
    assertThat(same.verdict()).isEqualTo(Evidence.Applied.NOT_IMPROVED);
    var worse = AppliedCheck.judge(ABSENT, NOW, usage(1000, 40, 10, 0), usage(1000, 80, 10, 0), 100, 0.01);
    assertThat(worse.verdict()).isEqualTo(Evidence.Applied.NOT_IMPROVED);
  }

  @Test
  void theAdvisedIndexIsPresentWhenAValidIndexLeadsWithItsColumns() {
    var advice = new Evidence.Advice("missing_index", "x", "CREATE INDEX CONCURRENTLY ON public.orders (\"Region\", "
        + "status)", Map.of());
    var orders = List.of(table("public", "orders", 200_000));
    assertThat(IndexApplied.present(advice, catalog("t", 1, "db", orders, List.of()))).isFalse();
    assertThat(IndexApplied.present(advice, catalog("t", 1, "db", orders,
        List.of(btree("public", "orders", "any_name", "\"Region\"", "status", "id"))))).isTrue();
    assertThat(IndexApplied.present(advice, catalog("t", 1, "db", orders,
        List.of(btree("public", "orders", "other", "status", "\"Region\""))))).isFalse();
    var building = new IndexDef("public", "orders", "ix", "btree", List.of("\"Region\"", "status"), List.of(), null,
        false, false);
    assertThat(IndexApplied.present(advice, catalog("t", 1, "db", orders, List.of(building)))).isFalse();
  }

  @Test
  void aDriftIndexIsPresentOnlyWithItsPredicate() {
    var partial = new IndexDef("public", "orders", "orders_open_idx", "btree", List.of("customer_id"), List.of(),
        "(status = 'open'::text)", false, true);
    var advice = new Evidence.Advice("fleet_index_drift", "x", FleetDrift.ddl(partial), Map.of());
    var orders = List.of(table("public", "orders", 200_000));
    assertThat(IndexApplied.present(advice, catalog("t", 1, "db", orders, List.of(partial)))).isTrue();
    assertThat(IndexApplied.present(advice, catalog("t", 1, "db", orders,
        List.of(btree("public", "orders", "orders_open_idx", "customer_id"))))).isFalse();
    assertThat(IndexApplied.present(new Evidence.Advice("jit", "x", null, Map.of()),
        catalog("t", 1, "db", orders, List.of(partial)))).isFalse();
  }
}
