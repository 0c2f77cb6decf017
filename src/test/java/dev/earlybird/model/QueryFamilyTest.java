package dev.earlybird.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryFamilyTest {
  @Test
  void pgssAndPiDigestsOfTheSameSqlShareAFamily() {
    String pgss = "SELECT * FROM orders\n  WHERE customer_id = $1 AND status = $2 LIMIT $3";
    String pi = "select * from orders where customer_id = ? and status = ? limit ?;";
    assertThat(QueryFamily.of(pgss)).isEqualTo(QueryFamily.of(pi)).hasSize(16);
  }

  @Test
  void differentTablesAreDifferentFamilies() {
    assertThat(QueryFamily.of("SELECT * FROM orders WHERE id = $1"))
        .isNotEqualTo(QueryFamily.of("SELECT * FROM invoices WHERE id = $1"));
  }

  @Test
  void identifiersWithDigitsAreNotFolded() {
    assertThat(QueryFamily.normalize("SELECT a1 FROM t2 WHERE x = 42")).isEqualTo("select a1 from t2 where x=?");
  }
}
