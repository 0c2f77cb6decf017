package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.interval;
import static dev.earlybird.history.Fixtures.key;
import static dev.earlybird.history.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded store does: DuckDB's memory cap, its Appender's transactions, read-only opens of the file. */
class DuckDbEngineTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofHours(1));

  @TempDir Path dir;
  JdbcHistoryStore store;

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("d.duckdb"), () -> NOW);
    for (int m = 1; m <= 3; m++) {
      Instant s = T0.plus(Duration.ofMinutes(10L * (m - 1))), e = T0.plus(Duration.ofMinutes(10L * m));
      store.recordPoll(PollRecord.success(snapshot("a", e, Map.of()), List.of(
          interval(key("a", 1, 10, 100, true), s, e, 10, 20), interval(key("a", 1, 10, 200, true), s, e, 1, 100))));
    }
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void duckDbMemoryIsCappedAtTwoGigabytesOrLessInASmallContainer() {
    long gib = 1L << 30;
    assertThat(DuckDbEngine.memoryLimitBytes(24 * gib)).isEqualTo(2 * gib);
    // A 2 GB container: heap up to half, DuckDB 40 %, so both fit under the limit.
    assertThat(DuckDbEngine.memoryLimitBytes(2 * gib)).isEqualTo((long) (2 * gib * 0.4));
    assertThat(DuckDbEngine.memoryLimitBytes(300L << 20)).isEqualTo(256L << 20);
    assertThat(DuckDbEngine.memoryLimitBytes(0)).as("unknown memory: the measured cap").isEqualTo(2 * gib);

    String applied = store.read("memory_limit", c -> {
      try (var s = c.createStatement(); var rs = s.executeQuery("SELECT current_setting('memory_limit')")) {
        rs.next();
        return rs.getString(1);
      }
    });
    long visible = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    double expectedGib = DuckDbEngine.memoryLimitBytes(visible) / (double) gib;
    assertThat(applied).as("DuckDB's setting, not its default of 80 %% of RAM")
        .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f GiB", expectedGib));
  }

  @Test
  void appenderJoinsTheTransactionOnceAStatementHasStartedIt() throws Exception {
    try (var c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        Connection other = c.duplicate()) {
      c.createStatement().execute("CREATE TABLE t (x BIGINT)");
      c.setAutoCommit(false);
      c.createStatement().execute("SELECT 1");
      try (var a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
        a.beginRow().append(1L).endRow();
      }
      assertThat(count(c, "t")).isEqualTo(1);
      assertThat(count(other, "t")).as("not visible before commit").isZero();
      c.rollback();
      assertThat(count(c, "t")).isZero();
      assertThat(count(other, "t")).isZero();
      c.createStatement().execute("SELECT 1");
      try (var a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
        a.beginRow().append(2L).endRow();
      }
      c.commit();
      assertThat(count(other, "t")).isEqualTo(1);
    }
  }

  @Test
  void aReadOnlyStoreReadsButNeverWrites() {
    store.pinBaseline("ro", Optional.empty(), T0, T0.plus(Duration.ofMinutes(20)));
    store.close();
    try (JdbcHistoryStore ro = DuckDbHistoryStore.openReadOnly(dir.resolve("d.duckdb"))) {
      assertThat(ro.baselines()).extracting(PinnedBaseline::name).containsExactly("ro");
      assertThat(ro.hotQueries(HotQueryFilter.between(T0, NOW))).hasSize(2);
      assertThatThrownBy(() -> ro.deleteBaseline("ro")).isInstanceOf(HistoryException.class).hasMessageContaining("read-only");
    }
    store = DuckDbHistoryStore.open(dir.resolve("d.duckdb"), () -> NOW);
    assertThat(store.baselines()).hasSize(1);
  }

  @Test
  void aReadOnlyOpenOfAStoreInUseSaysSoAndOfAMissingOneSaysHowToGetOne() {
    assertThatThrownBy(() -> DuckDbHistoryStore.openReadOnly(dir.resolve("d.duckdb")))
        .isInstanceOf(StoreInUseException.class).hasMessageContaining("in use");
    assertThatThrownBy(() -> DuckDbHistoryStore.openReadOnly(dir.resolve("none.duckdb")))
        .isInstanceOf(HistoryException.class).hasMessageContaining("no history store at").hasMessageContaining("earlybird run");
  }

  static long count(Connection c, String table) throws Exception {
    try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
