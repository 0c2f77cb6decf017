package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementQueriesTest {

  @ParameterizedTest
  @ValueSource(strings = {"1.8", "1.9", "1.10", "1.11", "1.12"})
  void everyVersionSelectsTheSameColumnsAndNeverTheText(String version) {
    String sql = StatementQueries.counters(PgssVersion.parse(version));
    String selectList = sql.substring(sql.indexOf("SELECT") + 6, sql.indexOf("FROM pg_stat_statements"));
    // Commas inside expressions are only in extract(... FROM ...), which has none; count top-level items.
    assertThat(selectList.split(",")).hasSize(StatementQueries.COUNTER_COLUMNS);
    assertThat(sql).contains("pg_stat_statements(false)").doesNotContain("query,").doesNotContain("(true)");
  }

  @ParameterizedTest
  @CsvSource({"1.8, false, false", "1.9, true, false", "1.10, true, false", "1.11, true, true", "1.12, true, true"})
  void columnsFollowTheExtensionVersion(String version, boolean toplevel, boolean splitIoTimes) {
    PgssVersion v = PgssVersion.parse(version);
    String sql = StatementQueries.counters(v);
    assertThat(sql.contains("toplevel")).isEqualTo(toplevel);
    assertThat(sql.contains("shared_blk_read_time")).isEqualTo(splitIoTimes);
    assertThat(sql.contains(" blk_read_time")).isEqualTo(!splitIoTimes);
    assertThat(StatementQueries.header(v).contains("pg_stat_statements_info")).isEqualTo(toplevel);
  }

  @ParameterizedTest
  @CsvSource({"1.8, 1, 8, true", "1.10, 1, 10, true", "1.7, 1, 7, false", "2.0, 2, 0, true"})
  void versionsCompareNumerically(String text, int major, int minor, boolean supported) {
    PgssVersion v = PgssVersion.parse(text);
    assertThat(v).isEqualTo(new PgssVersion(major, minor));
    assertThat(v.supported()).isEqualTo(supported);
    assertThat(PgssVersion.parse("1.10").atLeast(1, 9)).isTrue();
  }
}
