package dev.earlybird.history;

import dev.earlybird.model.Counter;
import dev.earlybird.model.CounterValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.model.QueryFamily;
import dev.earlybird.model.StatementText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigratorTest {
  @TempDir Path dir;

  @Test
  void migratesAnEmptyFileAndReopensWithoutReapplying() throws Exception {
    Path file = dir.resolve("nested/dirs/store.duckdb");
    try (var store = DuckDbHistoryStore.open(file)) {
      assertThat(store.targets()).isEmpty();
    }
    try (var store = DuckDbHistoryStore.open(file)) {
      assertThat(store.stats().intervalRows()).isZero();
    }
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file);
        var rs = c.createStatement().executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
      for (String migration : SchemaMigrator.MIGRATIONS) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(SchemaMigrator.version(migration));
        assertThat(rs.getString(2)).isEqualTo(migration);
      }
      assertThat(rs.next()).as("each migration applied once").isFalse();
    }
  }

  @Test
  void refusesAStoreFromANewerBuild() throws Exception {
    Path file = dir.resolve("store.duckdb");
    DuckDbHistoryStore.open(file).close();
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file)) {
      c.createStatement().execute("INSERT INTO schema_version VALUES (99, 'V99__future.sql', 0)");
    }
    assertThatThrownBy(() -> DuckDbHistoryStore.open(file))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer Earlybird");
  }

  @Test
  void everyMigrationFileIsListedInOrder() throws Exception {
    Path folder = Path.of("src/main/resources", SchemaMigrator.LOCATION);
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactlyInAnyOrderElementsOf(SchemaMigrator.MIGRATIONS);
    }
    // Numbers rise but may leave gaps: parts developed side by side take their own numbers.
    int previous = 0;
    for (String migration : SchemaMigrator.MIGRATIONS) {
      assertThat(migration).matches("V[1-9][0-9]*__[a-z0-9_]+\\.sql");
      assertThat(SchemaMigrator.version(migration)).isGreaterThan(previous);
      previous = SchemaMigrator.version(migration);
    }
  }

  @Test
  void appliesAMigrationTheStoreLacksEvenBelowItsNewestOne() throws Exception {
    // A store that got schema 7 before schema 5 existed (branches merged in another order than numbered).
    Path file = dir.resolve("store.duckdb");
    DuckDbHistoryStore.open(file).close();
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file); var s = c.createStatement()) {
      s.execute("DELETE FROM schema_version WHERE version = 5");
      s.execute("ALTER TABLE target DROP COLUMN server_started_us");
    }
    try (var store = DuckDbHistoryStore.open(file)) {
      store.recordServerStart("t1", java.time.Instant.parse("2026-01-01T00:00:00Z"), "17.2");
      assertThat(store.serverStarts()).containsKey("t1");
    }
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file);
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM schema_version WHERE version = 5")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void refusesAStoreWithAVersionThisBuildDoesNotKnow() throws Exception {
    Path file = dir.resolve("store.duckdb");
    DuckDbHistoryStore.open(file).close();
    int unknown = java.util.stream.IntStream.rangeClosed(1, SchemaMigrator.latestVersion())
        .filter(v -> SchemaMigrator.MIGRATIONS.stream().noneMatch(m -> SchemaMigrator.version(m) == v))
        .findFirst()
        .orElse(SchemaMigrator.latestVersion() + 1);
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file)) {
      c.createStatement().execute("INSERT INTO schema_version VALUES (" + unknown + ", 'V" + unknown + "__other.sql', 0)");
    }
    assertThatThrownBy(() -> DuckDbHistoryStore.open(file))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("schema version " + unknown);
  }

  @Test
  void upgradingAStoreRedactsTheTextsItKept() throws Exception {
    // A store written before schema 8: texts as pg_stat_statements showed them, passwords included.
    Path file = dir.resolve("store.duckdb");
    DuckDbHistoryStore.open(file).close();
    String oldFamily = QueryFamily.of("ALTER ROLE app PASSWORD 'S3cr3t-pw'");
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file); var s = c.createStatement()) {
      s.execute("DELETE FROM schema_version WHERE version = 8");
      s.execute("INSERT INTO statement_text VALUES ('t1', 5, 11, 'ALTER ROLE app PASSWORD ''S3cr3t-pw''', false, '"
          + oldFamily + "', 0), ('t1', 5, 12, 'SELECT * FROM t WHERE id = $1', false, 'f12', 0)");
      s.execute("INSERT INTO finding (id, fingerprint, kind, state, severity, target, dbid, queryid, family, summary, "
          + "since_us, last_seen_us, streak, clear_streak, evidence) VALUES ('f', 'fp', 'hot', 'active', 'warning', "
          + "'t1', 5, 11, '" + oldFamily + "', 'hot', 0, 0, 1, 0, '{}')");
      s.execute("INSERT INTO pi_statement VALUES ('t1', 0, 60000000, 'D1', NULL, "
          + "'CREATE USER u PASSWORD ''pi-S3cr3t''', 1, 1, '{}', NULL, NULL, NULL)");
    }
    String redacted = "ALTER ROLE app PASSWORD '<redacted>'";
    try (var store = DuckDbHistoryStore.open(file)) {
      StatementText scrubbed = store.text("t1", 5, 11).orElseThrow();
      assertThat(scrubbed.text()).isEqualTo(redacted);
      assertThat(scrubbed.family()).isEqualTo(QueryFamily.of(redacted));
      StatementText untouched = store.text("t1", 5, 12).orElseThrow();
      assertThat(untouched.text()).isEqualTo("SELECT * FROM t WHERE id = $1");
      assertThat(untouched.family()).isEqualTo("f12");
    }
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file); var s = c.createStatement()) {
      assertThat(single(s, "SELECT string_agg(query, ' ') FROM statement_text")).doesNotContain("S3cr3t");
      assertThat(single(s, "SELECT statement FROM pi_statement")).isEqualTo("CREATE USER u PASSWORD '<redacted>'");
      assertThat(single(s, "SELECT family FROM finding WHERE id = 'f'")).isEqualTo(QueryFamily.of(redacted));
      assertThat(single(s, "SELECT count(*) FROM schema_version WHERE version = 8")).isEqualTo("1");
    }
  }

  @Test
  void upgradingAStoreCountsATargetsRowsAsIoTimedOnlyWhereIoTimeWasRecorded() throws Exception {
    // A store written before schema 9: whether track_io_timing was on was not kept with the intervals.
    Path file = dir.resolve("store.duckdb");
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T10:00:00Z"), end = t0.plusSeconds(600);
    try (var store = DuckDbHistoryStore.open(file, () -> end)) {
      for (String target : java.util.List.of("timed", "untimed")) {
        var i = new dev.earlybird.model.StatementInterval(Fixtures.key(target, 1, 10, 7, true), t0, end,
                CounterValues.ZERO.with(Counter.CALLS, 10)
                .with(Counter.EXEC_MS, 100)
                .with(Counter.EXEC_SUMSQ_MS, 1000)
                .with(Counter.ROWS, 10)
                .with(Counter.IO_READ_MS, target.equals("timed") ? 40 : 0), java.util.OptionalDouble.empty());
        store.recordPoll(PollRecord.success(Fixtures.snapshot(target, end, java.util.Map.of()), java.util.List.of(i)));
      }
    }
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file); var s = c.createStatement()) {
      s.execute("DELETE FROM schema_version WHERE version = 9");
      for (String table : java.util.List.of(
          "statement_interval", "statement_hourly", "statement_daily", "pinned_baseline_statement")) {
        s.execute("ALTER TABLE " + table + " DROP COLUMN io_timed_intervals");
      }
    }
    try (var store = DuckDbHistoryStore.open(file, () -> end)) {
      var rows = store.hotQueries(new HotQueryFilter(t0, end, java.util.Optional.empty(), java.util.Optional.empty(),
          java.util.OptionalInt.empty()));
      assertThat(rows).extracting(HotQueryRow::target, r -> r.usage().ioTimed())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("timed", true),
              org.assertj.core.groups.Tuple.tuple("untimed", false));
    }
  }

  private static String single(java.sql.Statement s, String sql) throws java.sql.SQLException {
    try (var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aFileThatIsNotADatabaseGetsAClearMessage() throws Exception {
    Path file = dir.resolve("garbage.duckdb");
    Files.writeString(file, "this is not a duckdb file, just text ".repeat(200));
    assertThatThrownBy(() -> DuckDbHistoryStore.open(file))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("move it");
  }
}
