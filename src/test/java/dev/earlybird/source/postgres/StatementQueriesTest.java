package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Counter;
import dev.earlybird.model.KcacheInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementQueriesTest {

  @ParameterizedTest
  @ValueSource(strings = {"1.8", "1.9", "1.10", "1.11", "1.12"})
  void everyVersionSelectsTheSameColumnsAndNeverTheText(String version) {
    String sql = StatementQueries.counters(PgssVersion.parse(version), "public", null);
    String selectList = sql.substring(sql.indexOf("SELECT") + 6, sql.indexOf("FROM \"public\".pg_stat_statements"));
    // Commas inside expressions are only in extract(... FROM ...), which has none; count top-level items.
    assertThat(selectList.split(",")).hasSize(StatementQueries.COUNTER_COLUMNS);
    assertThat(sql).contains("\"public\".pg_stat_statements(false)").doesNotContain("query,").doesNotContain("(true)");
    // The texts, too, come from the extension's own schema, quoted as an identifier.
    assertThat(StatementQueries.texts("my \"ext\"")).contains("FROM \"my \"\"ext\"\"\".pg_stat_statements(true)");
  }

  @Test
  void theCounterQuerySelectsEveryCounterOnceInPgStatStatementsOrderAsItAlwaysHas() {
    assertThat(StatementQueries.SELECTED).containsExactlyInAnyOrder(Counter.values());
    // The same parse tree as ever: the agent's own statement keeps its queryid on the servers it watches.
    assertThat(StatementQueries.counters(PgssVersion.parse("1.11"), "public", null).replaceAll("\\s+", " "))
        .isEqualTo("/* earlybird */ SELECT dbid::int8, userid::int8, queryid, toplevel, calls, total_exec_time,"
            + " mean_exec_time, stddev_exec_time, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied,"
            + " shared_blks_written, local_blks_hit, local_blks_read, temp_blks_read, temp_blks_written,"
            + " shared_blk_read_time + local_blk_read_time, shared_blk_write_time + local_blk_write_time,"
            + " temp_blk_read_time, temp_blk_write_time, plans, total_plan_time, wal_records, wal_fpi, wal_bytes::int8,"
            + " jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time + jit_deform_time,"
            + " (extract(epoch FROM stats_since) * 1000000)::int8, NULL::float8"
            + " FROM \"public\".pg_stat_statements(false) WHERE dbid::int8 = ANY(?)");
    assertThat(StatementQueries.column(Counter.CALLS)).isEqualTo(5);
    assertThat(StatementQueries.column(Counter.EXEC_SUMSQ_MS)).isEqualTo(7);
    assertThat(StatementQueries.column(Counter.TEMP_IO_MS)).isEqualTo(20);
    assertThat(StatementQueries.STATS_SINCE_MICROS).isEqualTo(28);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.8", "1.9", "1.10", "1.11", "1.12"})
  void withPgStatKcacheTheSameColumnsComeInTheSameStatement(String version) {
    PgssVersion v = PgssVersion.parse(version);
    String sql = StatementQueries.counters(v, "stats", "my \"ext\"");
    String selectList = sql.substring(sql.indexOf("SELECT") + 6, sql.indexOf("FROM \"stats\".pg_stat_statements"));
    assertThat(selectList.split(",")).hasSize(StatementQueries.COUNTER_COLUMNS);
    assertThat(selectList.strip()).endsWith("k.cpu_s * 1000");
    // Schema-qualified and quoted, LEFT JOINed on the whole statement key; never a reset, never the texts.
    assertThat(sql)
        .contains("FROM \"stats\".pg_stat_statements(false)")
        .contains("LEFT JOIN")
        .contains("FROM \"my \"\"ext\"\"\".pg_stat_kcache()")
        .contains("k_queryid = queryid AND k_userid = userid AND k_dbid = dbid")
        .doesNotContainIgnoringCase("reset")
        .doesNotContain("(true)");
    // pg_stat_statements before 1.9 has one entry for every nesting level: kcache's levels are summed into it.
    assertThat(sql.contains("k_top = toplevel")).isEqualTo(v.atLeast(1, 9));
    assertThat(sql.contains("GROUP BY")).isEqualTo(!v.atLeast(1, 9));
    assertThat(StatementQueries.counters(v, "stats", null)).contains("NULL::float8\n").doesNotContain("kcache");
  }

  @ParameterizedTest
  @CsvSource({"1.8, false, false", "1.9, true, false", "1.11, true, false", "1.12, true, true", "1.9, true, true"})
  void theProbeReadsPerEntryOnlyWhatMovesWithAnyChange(String version, boolean toplevel, boolean kcache) {
    PgssVersion v = PgssVersion.parse(version);
    String probe = StatementQueries.probe(v, "stats", kcache ? "kc" : null);
    // Schema-qualified, no texts, the accepted databases only, one row per (dbid, userid, toplevel).
    assertThat(probe)
        .contains("FROM \"stats\".pg_stat_statements(false)")
        .contains("WHERE dbid::int8 = ANY(?)")
        .contains("GROUP BY 1, 2, 3")
        .doesNotContain("(true)")
        .doesNotContain("shared_blks_hit");
    assertThat(probe.contains("toplevel")).isEqualTo(toplevel);
    // 17+ tells an entry's lives apart by stats_since, older versions by the total times.
    boolean since = v.atLeast(1, 11);
    assertThat(probe.contains("stats_since")).isEqualTo(since);
    assertThat(probe.contains("array_agg(total_plan_time)")).isEqualTo(!since);
    assertThat(probe.contains("pg_stat_kcache()")).isEqualTo(kcache);
    String select = probe.substring(probe.indexOf("SELECT") + 6, probe.indexOf("FROM \"stats\""));
    assertThat(select.split(",(?![^(]*\\))")).hasSize(StatementQueries.PROBE_HIDDEN_EXEC_MS);

    String changed = StatementQueries.changedCounters(v, "stats", kcache ? "kc" : null);
    assertThat(changed)
        .startsWith(StatementQueries.counters(v, "stats", kcache ? "kc" : null))
        .contains("IN (SELECT * FROM unnest(?::int8[], ?::int8[], ?::int8[], ?::bool[]))")
        .contains(toplevel ? "queryid, toplevel)" : "queryid, true)");
  }

  @ParameterizedTest
  @CsvSource({"2.2.1, true", "2.2, true", "2.3.0, true", "3.0, true", "2.1.3, false", "2.0.3, false", "dev, false"})
  void pgStatKcacheFrom22On(String version, boolean supported) {
    assertThat(StatementQueries.kcacheSupported(version)).isEqualTo(supported);
    assertThat(StatementQueries.kcacheReadable(new KcacheInfo(true, true, version, "public"))).isEqualTo(supported);
    assertThat(StatementQueries.kcacheReadable(new KcacheInfo(true, false, version, "public")))
        .as("not preloaded: its function would fail")
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource({"1.8, false, false", "1.9, true, false", "1.10, true, false", "1.11, true, true", "1.12, true, true"})
  void columnsFollowTheExtensionVersion(String version, boolean toplevel, boolean splitIoTimes) {
    PgssVersion v = PgssVersion.parse(version);
    String sql = StatementQueries.counters(v, "public", null);
    assertThat(sql.contains("toplevel")).isEqualTo(toplevel);
    assertThat(sql.contains("shared_blk_read_time")).isEqualTo(splitIoTimes);
    assertThat(sql.contains(" blk_read_time")).isEqualTo(!splitIoTimes);
    assertThat(StatementQueries.header(v, "public").contains("\"public\".pg_stat_statements_info")).isEqualTo(toplevel);
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
