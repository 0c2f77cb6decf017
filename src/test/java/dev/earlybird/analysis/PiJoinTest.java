package dev.earlybird.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.earlybird.history.StatementActivity;
import dev.earlybird.model.PiShare;
import dev.earlybird.model.PiStatementLoad;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PiJoinTest {
  static PiStatementLoad digest(String id, String dbId, String text, double cpuMs) {
    return new PiStatementLoad(id, dbId, text, cpuMs * 2, Map.of("CPU", cpuMs, "IO", cpuMs),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
  }

  @Test
  void aQueryIdJoinsOnlyWhereThatQueryIdIsNeverBySimilarText() {
    String sql = "SELECT * FROM orders WHERE customer_id = $1";
    // Database 1 has the queryid PI names; database 2 runs the same text under another queryid.
    List<StatementActivity> entries = List.of(
        new StatementActivity(1, 111, 50, sql),
        new StatementActivity(2, 222, 500, sql));

    List<PiShare> shares = PiJoin.join(List.of(digest("D1", "111", "SELECT * FROM orders WHERE customer_id = ?",
        900)), entries);

    assertThat(shares).singleElement().satisfies(s -> {
      assertThat(s.dbId()).isEqualTo(1);
      assertThat(s.queryId()).isEqualTo(111);
      assertThat(s.method()).isEqualTo("queryid");
      assertThat(s.cpuMs()).isEqualTo(900);
    });
  }

  @Test
  void anUnknownQueryIdIsPiOnlyRatherThanMatchedByText() {
    List<StatementActivity> entries = List.of(new StatementActivity(2, 222, 500, "SELECT 1"));

    List<PiShare> shares = PiJoin.join(List.of(digest("D1", "333", "SELECT ?", 10)), entries);

    assertThat(shares).singleElement().satisfies(s -> {
      assertThat(s.piOnly()).isTrue();
      assertThat(s.cpuMs()).isEqualTo(10);
    });
  }

  @Test
  void aSyntheticIdJoinsByTextWithQuestionMarksForDollarParameters() {
    List<StatementActivity> entries = List.of(
        new StatementActivity(1, 111, 10, "UPDATE stock\n   SET qty = qty - $1 WHERE id = $2;"),
        new StatementActivity(1, 112, 10, "UPDATE stock SET qty = qty + $1 WHERE id = $2"));

    List<PiShare> shares = PiJoin.join(List.of(digest("D1", "pi-2372568224",
        "UPDATE stock SET qty = qty - ? WHERE id = ?", 30)), entries);

    assertThat(shares).singleElement().satisfies(s -> {
      assertThat(s.queryId()).isEqualTo(111);
      assertThat(s.method()).isEqualTo("text");
    });
  }

  @Test
  void aTextCutAtFiveHundredBytesMatchesAsAPrefix() {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 1; i <= 60; i++) {
      sql.append("coalesce(column_number_").append(i).append(", $").append(i).append("), ");
    }
    sql.append("1 FROM wide");
    String piText = sql.toString().replaceAll("\\$\\d+", "?");
    String cut = new String(piText.getBytes(StandardCharsets.UTF_8), 0, 500, StandardCharsets.UTF_8);
    List<StatementActivity> entries = List.of(new StatementActivity(3, 7, 1, sql.toString()),
        new StatementActivity(3, 8, 1, "SELECT coalesce(other, $1) FROM wide"));

    List<PiShare> shares = PiJoin.join(List.of(digest("D1", null, cut, 5)), entries);

    assertThat(shares).singleElement().satisfies(s -> assertThat(s.queryId()).isEqualTo(7));
  }

  @Test
  void aQueryIdInSeveralDatabasesIsSplitByTheirExecutionTime() {
    // Databases cloned from one template share queryids: PI's digest load is split by pg_stat_statements time.
    List<StatementActivity> entries = List.of(
        new StatementActivity(1, 99, 300, null),
        new StatementActivity(2, 99, 100, null));

    List<PiShare> shares = PiJoin.join(List.of(digest("D1", "99", "SELECT ?", 1000)), entries);

    assertThat(shares).hasSize(2);
    assertThat(shares.get(0).cpuMs()).isCloseTo(750, within(1e-9));
    assertThat(shares.get(1).cpuMs()).isCloseTo(250, within(1e-9));
    assertThat(shares.stream().mapToDouble(PiShare::cpuMs).sum()).isCloseTo(1000, within(1e-9));
  }

  @Test
  void withoutAnyExecutionTimeTheSplitIsEqual() {
    List<PiShare> shares = PiJoin.join(List.of(digest("D1", "99", "SELECT ?", 100)),
        List.of(new StatementActivity(1, 99, 0, null), new StatementActivity(2, 99, 0, null)));

    assertThat(shares).extracting(PiShare::cpuMs).containsExactly(50.0, 50.0);
  }
}
