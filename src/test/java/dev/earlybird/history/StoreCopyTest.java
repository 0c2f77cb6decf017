package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.AlertStage;
import dev.earlybird.model.Evidence;
import dev.earlybird.model.Finding;
import dev.earlybird.model.FindingState;
import dev.earlybird.model.Period;
import dev.earlybird.model.Severity;
import dev.earlybird.model.Subject;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a history from the embedded store to a new PostgreSQL store: every table arrives whole, the copy reads as the
 * original does, the new store goes on where the old one stopped (the next alert gets a new id), and a store that
 * holds history already is refused without a row written.
 */
class StoreCopyTest {
  @TempDir Path duckDir;
  @TempDir Path pgDir;
  @TempDir Path otherDir;

  @Test
  void theCopyHoldsEveryRowAndReadsAsTheOriginal() throws Exception {
    List<StoreCopy.Copied> copied;
    Map<String, Long> rows;
    try (JdbcHistoryStore duck = StoreKind.DUCKDB.open(duckDir, () -> StoreEquivalenceTest.NOW)) {
      StoreEquivalenceTest.write(duck);
      alerting(duck);
      rows = rowCounts(duck);
    }
    try (JdbcHistoryStore from = DuckDbHistoryStore.openReadOnly(duckDir.resolve("store.duckdb"));
        JdbcHistoryStore into = StoreKind.POSTGRES.open(pgDir, () -> StoreEquivalenceTest.NOW)) {
      List<String> told = new ArrayList<>();
      copied = StoreCopy.copy(from, into, c -> told.add(c.table()));
      assertThat(told).containsExactlyElementsOf(copied.stream().map(StoreCopy.Copied::table).toList());
      assertThat(rowCounts(into)).as("every table, row for row").isEqualTo(rows);
      assertThat(rows.get("statement_interval")).isPositive();
      assertThat(rows.get("statement_hourly")).isPositive();
      assertThat(rows.get("outbox")).isPositive();

      Period all = new Period(StoreEquivalenceTest.START, StoreEquivalenceTest.END);
      same(from, into, "the hot list", s -> s.hotQueries(HotQueryFilter.between(all.from(), all.to())));
      same(from, into, "the day's sums", s -> s.periodSums("b", List.of(StoreEquivalenceTest.DAY2)));
      same(from, into, "pinned baselines", JdbcHistoryStore::baselines);
      same(from, into, "a pinned baseline's statements", s -> s.baselineStatements("day2"));
      same(from, into, "open findings", JdbcHistoryStore::openFindings);
      same(from, into, "the analysis watermark", JdbcHistoryStore::analysisWatermark);
      same(from, into, "the outbox", s -> s.alerting().outbox().heads());
      same(from, into, "reviews done", s -> s.alerting().reviews().reviewedThrough());

      // The new store goes on: the next alert queued gets an id of its own.
      long last = into.alerting().outbox().heads().stream().mapToLong(OutboxEntry::id).max().orElseThrow();
      into.alerting().alerts().record(AlertingBehaviour.notes(
          AlertingBehaviour.note("chat", "fp9", "firing", StoreEquivalenceTest.NOW)));
      assertThat(into.alerting().outbox().heads()).extracting(OutboxEntry::id).contains(last + 1);
      assertThat(rowsOf(into, "pg_catalog.pg_inherits WHERE inhparent = 'statement_interval'::regclass"))
          .as("the intervals are partitioned by day, as the agent keeps them").isGreaterThan(1);
      assertThat(rowsOf(into, "statement_interval_default")).isZero();
    }
  }

  @Test
  void aStoreWithHistoryIsRefusedAndKeepsItsOwn() {
    try (JdbcHistoryStore duck = StoreKind.DUCKDB.open(duckDir, () -> StoreEquivalenceTest.NOW)) {
      StoreEquivalenceTest.write(duck);
    }
    try (JdbcHistoryStore from = DuckDbHistoryStore.openReadOnly(duckDir.resolve("store.duckdb"));
        JdbcHistoryStore into = StoreKind.POSTGRES.open(otherDir, () -> StoreEquivalenceTest.NOW)) {
      into.recordPoll(PollRecord.failure("x", StoreEquivalenceTest.NOW, "refused"));
      Map<String, Long> before = rowCounts(into);
      assertThatThrownBy(() -> StoreCopy.copy(from, into, c -> { }))
          .hasMessageContaining("holds history already")
          .hasMessageContaining("copy only into a new, empty store");
      assertThat(rowCounts(into)).isEqualTo(before);
    }
  }

  private static <T> void same(JdbcHistoryStore a, JdbcHistoryStore b, String what, Function<JdbcHistoryStore, T> read) {
    assertThat(read.apply(b)).as(what + " of the copy").usingRecursiveComparison()
        .withComparatorForType(TierReads::closeTo, Double.class).isEqualTo(read.apply(a));
  }

  /** A finding with its alert and notification, a review done: what a history holds besides intervals. */
  private static void alerting(JdbcHistoryStore s) {
    var evidence = new Evidence.Regression("seasonal", 2.0, 7.0, 400, 120, 0.5, 3.5, 1e-6, 42.0, "exec_time");
    var at = StoreEquivalenceTest.END;
    var f = new Finding("fp1-1", "fp1", Severity.WARNING, FindingState.ACTIVE,
        new Subject.Statement("a", 1, "tenant_x", "x", 110, "abc"), "3.5x slower per call", at.minusSeconds(1200), at,
        Optional.empty(), 2, 0, evidence);
    s.recordEvaluation(at, List.of(f), List.of(), new AlertWrites(
        List.of(AlertingBehaviour.alert("fp1", AlertStage.FOUND, true, at)),
        List.of(AlertingBehaviour.note("pager", "fp1", "firing", at))));
    s.alerting().reviews().record(AlertingBehaviour.review("x", LocalDate.of(2026, 3, 2)), AlertWrites.NONE);
  }

  private static Map<String, Long> rowCounts(JdbcHistoryStore s) {
    Map<String, Long> counts = new TreeMap<>();
    for (String t : List.of("poll", "target", "target_database", "statement_text", "statement_interval", "statement_hourly",
        "statement_daily", "statement_span", "rollup_watermark", "last_snapshot", "finding", "analysis_watermark",
        "pinned_baseline", "pinned_baseline_statement", "last_snapshot_entry", "alert", "outbox", "review", "review_mark")) {
      counts.put(t, rowsOf(s, t));
    }
    return counts;
  }

  private static long rowsOf(JdbcHistoryStore s, String from) {
    return s.read("rows of " + from, c -> {
      try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + from)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
