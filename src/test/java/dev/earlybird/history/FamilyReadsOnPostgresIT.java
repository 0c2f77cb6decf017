package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.Period;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The family reads' SQL on PostgreSQL (the newest supported major), over the schema of the store's own migrations:
 * what a shared PostgreSQL store will run. The same SQL in five databases on two targets, one slow, raw intervals in
 * the window and an hourly rollup in the period before it.
 */
class FamilyReadsOnPostgresIT {
  static final Instant TO = Instant.parse("2026-11-20T06:00:00Z");
  static final Period WINDOW = new Period(TO.minus(Duration.ofHours(24)), TO);
  static final String ORDERS = "0123456789abcdef";

  private static final java.util.concurrent.atomic.AtomicInteger DATABASES = new java.util.concurrent.atomic.AtomicInteger();
  private Connection connection;
  private FamilyReads reads;

  @BeforeEach
  void createStore() throws SQLException {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    String database = "families_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    server.createDatabase(database);
    connection = server.superuser(database);
    try (var s = connection.createStatement()) {
      for (String file : List.of("V1__init", "V2__findings", "V3__pinned_baselines", "V4__kcache_cpu",
          "V5__server_start", "V6__performance_insights", "V9__io_timing", "V10__alerts")) {
        for (String sql : migration(file).split(";")) {
          if (!sql.isBlank()) {
            s.execute(sql);
          }
        }
      }
    }
    seed();
    reads = new FamilyReads(new Transactions() {
      @Override
      public void write(String what, Work work) {
        throw new UnsupportedOperationException("the family reads only read");
      }

      @Override
      public <T> T read(String what, JdbcHistoryStore.SqlRead<T> read) {
        try {
          return read.run(connection);
        } catch (SQLException e) {
          throw new HistoryException("cannot read " + what + " on PostgreSQL: " + e.getMessage(), e);
        }
      }
    });
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private void seed() throws SQLException {
    long end = Columns.micros(TO.minus(Duration.ofHours(1)));
    long[][] orders = {{1, 16384, 101}, {1, 16385, 102}, {1, 16386, 103}, {2, 16384, 104}, {2, 16385, 105}};
    String[] names = {"tenant_a", "tenant_b", "tenant_c", "tenant_d", "tenant_e"};
    for (int i = 0; i < orders.length; i++) {
      String target = "pg" + orders[i][0];
      long dbId = orders[i][1], queryId = orders[i][2];
      update("INSERT INTO target_database VALUES (?, ?, ?)", target, dbId, names[i]);
      update("INSERT INTO statement_text VALUES (?, ?, ?, ?, false, ?, 0)", target, dbId, queryId,
          "SELECT * FROM orders WHERE id = $1", ORDERS);
      interval(target, dbId, queryId, end, 10, queryId == 105 ? 200 : 20);
    }
    for (int i = 0; i < 3; i++) {
      update("INSERT INTO statement_text VALUES ('pg1', 16385, ?, ?, false, ?, 0)", 300L + i, "SELECT " + i,
          "aaaaaaaaaaaaaa0" + i);
      interval("pg1", 16385, 300 + i, end, 5, 10 - i);
    }
    // The day before, rolled up: ORDERS at 1 ms per call in tenant_a.
    long bucket = Columns.micros(TO.minus(Duration.ofHours(30)));
    update("INSERT INTO statement_hourly (target, dbid, queryid, bucket_us, intervals, " + Columns.METRICS
        + ") VALUES ('pg1', 16384, 101, ?, 1, " + metrics(10, 10) + ")", bucket);
    update("INSERT INTO rollup_watermark VALUES ('hourly', ?)", bucket + Rollups.HOUR_US);
    update("INSERT INTO finding (id, fingerprint, kind, state, severity, target, dbid, database, tenant, queryid, family,"
        + " summary, since_us, last_seen_us, streak, clear_streak, evidence) VALUES ('fo-1', 'fo', 'outlier', 'active',"
        + " 'warning', 'pg2', 16385, 'tenant_e', 'e', 105, ?, '10x slower', 0, 0, 1, 0, '{}')", ORDERS);
  }

  private void interval(String target, long dbId, long queryId, long endUs, long calls, double execMs)
      throws SQLException {
    update("INSERT INTO statement_interval (target, dbid, userid, queryid, toplevel, start_us, end_us, "
        + Columns.METRICS + ") VALUES (?, ?, 10, ?, true, ?, ?, " + metrics(calls, execMs) + ")", target, dbId,
        queryId, endUs - 60_000_000L, endUs);
  }

  /** The metric columns: calls and execution time, kcache CPU of half of it, polled with track_io_timing on. */
  private static String metrics(long calls, double execMs) {
    List<String> v = new ArrayList<>(Collections.nCopies(Columns.LONGS.size() + Columns.DOUBLES.size(), "0"));
    v.set(0, Long.toString(calls));
    v.set(Columns.LONGS.size(), Double.toString(execMs));
    return String.join(", ", v) + ", " + execMs / 2 + ", 1, 1";
  }

  private void update(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  private static String migration(String name) {
    try (InputStream in = FamilyReadsOnPostgresIT.class.getResourceAsStream("/db/migration/" + name + ".sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("--"))
          .reduce("", (a, b) -> a + b + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FamilyFilter filter(Optional<String> target, Optional<String> tenant) {
    return new FamilyFilter(WINDOW, target, tenant, name -> name.substring("tenant_".length()));
  }

  @Test
  void familiesRankSpreadAndPageOnPostgres() {
    FamilyReads.Page all = reads.page(filter(Optional.empty(), Optional.empty()), Optional.empty(), 2);
    assertThat(all.more()).isTrue();
    FamilyRow orders = all.rows().getFirst();
    assertThat(orders.family()).isEqualTo(ORDERS);
    assertThat(orders.cpuUs()).isEqualTo(140_000);
    assertThat(orders.cpuSource()).isZero();
    assertThat(orders.databases()).isEqualTo(5);
    assertThat(orders.tenants()).isEqualTo(5);
    assertThat(orders.medianMs()).isEqualTo(2);
    assertThat(orders.p90Ms()).isCloseTo(12.8, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(orders.worst().getFirst().database()).isEqualTo("tenant_e");
    assertThat(orders.worst().getFirst().tenant()).isEqualTo("e");
    assertThat(orders.query()).isEqualTo("SELECT * FROM orders WHERE id = $1");

    FamilyRow last = all.rows().getLast();
    FamilyReads.Page rest = reads.page(filter(Optional.empty(), Optional.empty()),
        Optional.of(new FamilyReads.After(last.cpuUs(), last.family())), 10);
    assertThat(rest.more()).isFalse();
    assertThat(rest.rows()).extracting(FamilyRow::family).hasSize(2).doesNotContain(ORDERS, last.family());

    assertThat(reads.page(filter(Optional.empty(), Optional.of("e")), Optional.empty(), 10).rows())
        .singleElement().satisfies(r -> assertThat(r.medianMs()).isEqualTo(20));
    assertThat(reads.page(filter(Optional.of("pg2"), Optional.empty()), Optional.empty(), 10).rows())
        .singleElement().satisfies(r -> assertThat(r.databases()).isEqualTo(2));
  }

  @Test
  void oneFamilyItsBaselineFindingsAndSeriesOnPostgres() {
    FamilyFilter f = filter(Optional.empty(), Optional.empty());
    Period before = new Period(WINDOW.from().minus(WINDOW.length()), WINDOW.from());
    assertThat(reads.fleetMeans(f.over(before), List.of(ORDERS))).isEqualTo(Map.of(ORDERS, 1.0));
    assertThat(reads.activeFindings(List.of(ORDERS), Optional.of("pg2"), Optional.of("e")))
        .isEqualTo(Map.of(ORDERS, Map.of("outlier", 1)));
    assertThat(reads.findings(ORDERS)).extracting(FamilyFinding::queryId).containsExactly(105L);
    assertThat(reads.text(ORDERS)).hasValue("SELECT * FROM orders WHERE id = $1");
    List<FamilyDatabase> dbs = reads.databases(f, ORDERS);
    assertThat(dbs).hasSize(5);
    assertThat(dbs.getFirst().meanMs()).isEqualTo(20);
    assertThat(reads.summary(f, ORDERS)).hasValueSatisfying(r -> assertThat(r.calls()).isEqualTo(50));
    List<FamilyPoint> series = reads.series(f, ORDERS, dbs.subList(0, 2), Duration.ofHours(1));
    assertThat(series).filteredOn(FamilyPoint::median).singleElement()
        .satisfies(p -> assertThat(p.meanMs()).isEqualTo(2));
    assertThat(series).filteredOn(p -> !p.median()).extracting(FamilyPoint::meanMs).containsExactlyInAnyOrder(20.0, 2.0);
  }
}
