package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link Counter} description against the tables of a fresh store: every metric column of the interval, rollup and
 * pinned baseline tables and every counter column of the snapshot table is described, in the table's order (rows are
 * appended by position), on both engines.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class CounterColumnsTest {
  @Parameter StoreKind kind;
  @TempDir Path dir;

  List<String> columns(String table) throws Exception {
    kind.open(dir).close();
    String url = kind == StoreKind.DUCKDB ? "jdbc:duckdb:" + kind.locator(dir) : kind.locator(dir);
    try (Connection c = DriverManager.getConnection(url);
        var rs = c.createStatement().executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        out.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
      }
      return out;
    }
  }

  @Test
  void everyIntervalAndRollupTableHasTheCountersThenTheCpuColumnsLast() throws Exception {
    List<String> expected = new ArrayList<>();
    for (Counter c : Counter.values()) {
      expected.add(c.column());
    }
    expected.addAll(Columns.CPU);
    for (String table :
        List.of("statement_interval", "statement_hourly", "statement_daily", "statement_span",
            "pinned_baseline_statement")) {
      List<String> actual = columns(table);
      int first = actual.indexOf("calls");
      assertThat(actual.subList(first, actual.size())).as(table).isEqualTo(expected);
      assertThat(String.join(", ", expected)).isEqualTo(Columns.METRICS);
    }
  }

  @Test
  void theSnapshotTableHasEveryCounterOrWhatItIsDerivedFromInTheCountersOrder() throws Exception {
    List<String> expected = new ArrayList<>();
    for (Counter c : Counter.values()) {
      switch (c) {
        case EXEC_SUMSQ_MS -> expected.addAll(List.of("mean_exec_ms", "stddev_exec_ms"));
        case TEMP_IO_MS -> expected.addAll(List.of("temp_blk_read_time_ms", "temp_blk_write_time_ms"));
        default -> expected.add(c.snapshotColumn());
      }
    }
    expected.addAll(List.of("stats_since_us", "cpu_ms"));
    List<String> actual = columns("last_snapshot_entry");
    assertThat(actual.subList(actual.indexOf("calls"), actual.size())).isEqualTo(expected);
  }
}
