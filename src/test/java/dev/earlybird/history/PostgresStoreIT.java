package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.counters;
import static dev.earlybird.history.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Shard;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only the shared PostgreSQL store does: one agent per shard writes it (a second lone agent is refused until the
 * first is gone); replicas split the shards, take over a gone replica's and give it back; a poll another replica
 * overtook is refused rather than counted twice; one replica at a time runs maintenance; and a store server restarted
 * under a writing agent fails its writes while it is down, then the store goes on by itself, with every poll stored
 * once.
 */
class PostgresStoreIT {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static final StatementKey KEY = key("t", 1, 10, 100, true);
  static PgServer pg;

  @BeforeAll
  static void server() {
    pg = PostgresServers.dedicated(StoreKind.PG_MAJOR);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static JdbcHistoryStore open(String database) {
    pg.createDatabase(database);
    return PostgresHistoryStore.open(pg.jdbcUrl(database) + "?user=postgres", pg.jdbcUrl(database), () -> T0);
  }

  private static JdbcHistoryStore replica(String database, int index) {
    return PostgresHistoryStore.open(pg.jdbcUrl(database) + "?user=postgres", pg.jdbcUrl(database), () -> T0,
        new Shard(index, 2), "replica-" + index);
  }

  private static Snapshot at(int minute) {
    Map<StatementKey, Counters> entries = Map.of(KEY, counters(10L * minute, 1, T0));
    return new Snapshot("t", T0.plus(Duration.ofMinutes(minute)), Optional.empty(), OptionalLong.empty(), entries);
  }

  private static PollRecord poll(int minute) {
    return PollRecord.success(at(minute), minute == 0 ? List.of() : Fixtures.diff(at(minute - 1), at(minute)));
  }

  @Test
  void aSecondAgentIsRefusedWhileTheFirstWritesAndTakesOverOnceItIsGone() {
    JdbcHistoryStore first = open("one_writer");
    try {
      assertThatThrownBy(() -> open("one_writer"))
          .isInstanceOf(StoreInUseException.class)
          .hasMessageContaining("history store " + pg.jdbcUrl("one_writer"))
          .hasMessageContaining("written by another Earlybird agent")
          .hasMessageNotContaining("user=postgres");
      first.recordPoll(poll(0));
    } finally {
      first.close();
    }
    try (JdbcHistoryStore second = open("one_writer")) {
      assertThat(second.lastSnapshot("t")).contains(at(0));
    }
  }

  @Test
  void replicasSplitTheShardsTakeOverAGoneOnesAndGiveItBack() {
    pg.createDatabase("sharing");
    JdbcHistoryStore a = replica("sharing", 0);
    try {
      JdbcHistoryStore b = replica("sharing", 1);
      try {
        assertThat(a.claimShards()).containsExactly(0);
        assertThat(b.claimShards()).containsExactly(1);
        assertThat(a.claimShards()).as("a live replica's shard is left to it").containsExactly(0);
        assertThat(b.shardOwners()).isEqualTo(Map.of(0, "replica-0", 1, "replica-1"));
      } finally {
        b.close(); // its session ends, and its locks with it
      }
      assertThat(a.shardOwners()).as("a gone replica owns nothing").isEqualTo(Map.of(0, "replica-0"));
      assertThat(a.claimShards()).as("the gone replica's shard is taken over").containsExactlyInAnyOrder(0, 1);
      assertThat(a.shardOwners()).isEqualTo(Map.of(0, "replica-0", 1, "replica-0"));
      try (JdbcHistoryStore back = replica("sharing", 1)) {
        assertThat(back.claimShards()).as("still held by the replica that took it over").isEmpty();
        assertThat(a.claimShards()).as("given back once its replica is present").containsExactly(0);
        assertThat(back.claimShards()).containsExactly(1);
        assertThat(a.shardOwners()).isEqualTo(Map.of(0, "replica-0", 1, "replica-1"));
      }
      assertThatThrownBy(() -> {
        try (JdbcHistoryStore twin = replica("sharing", 0)) {
          twin.claimShards();
        }
      }).isInstanceOf(StoreInUseException.class).hasMessageContaining("running as shard 0/2");
    } finally {
      a.close();
    }
  }

  @Test
  void aPollAnotherReplicaOvertookIsRefusedAndNothingIsCountedTwice() {
    pg.createDatabase("overtaken");
    try (JdbcHistoryStore a = replica("overtaken", 0); JdbcHistoryStore b = replica("overtaken", 1)) {
      a.recordPoll(poll(0));
      a.recordPoll(basedOn(1, 0));
      // A dies for the store's purposes (its shard moves); B continues from the stored snapshot of minute 1.
      b.recordPoll(basedOn(2, 1));
      b.recordPoll(basedOn(3, 2));
      // A, back with its in-memory snapshot of minute 1, tries to store minute 3's diff from it: refused.
      assertThatThrownBy(() -> a.recordPoll(basedOn(3, 1))).isInstanceOf(SnapshotMovedException.class)
          .hasMessageContaining("target t was polled by another Earlybird replica");
      assertThat(a.health().up()).as("a refused poll is no store failure").isTrue();
      // Reading the stored snapshot again, it goes on from there.
      assertThat(a.lastSnapshot("t")).contains(at(3));
      a.recordPoll(basedOn(4, 3));
      HotQueryRow row = a.hotQueries(HotQueryFilter.between(T0, T0.plus(Duration.ofMinutes(4)))).getFirst();
      assertThat(row.usage().calls()).as("four intervals of 10 calls, none twice").isEqualTo(40);
      assertThat(row.usage().intervals()).isEqualTo(4);
    }
  }

  @Test
  void aWindowAnotherReplicaEvaluatedIsNotEvaluatedAgain() {
    pg.createDatabase("evaluated");
    try (JdbcHistoryStore a = replica("evaluated", 0); JdbcHistoryStore b = replica("evaluated", 1)) {
      Instant window = T0.plus(Duration.ofMinutes(10));
      a.recordEvaluation(window, List.of(), List.of(), AlertWrites.NONE);
      // B held the fleet's duties a moment too long and evaluated the same window from what it had read.
      assertThatThrownBy(() -> b.recordEvaluation(window, List.of(), List.of(), AlertWrites.NONE))
          .isInstanceOf(WindowEvaluatedException.class).hasMessageContaining("evaluated by another Earlybird replica");
      assertThat(b.health().up()).isTrue();
      b.recordEvaluation(window.plus(Duration.ofMinutes(10)), List.of(), List.of(), AlertWrites.NONE);
      assertThat(a.analysisWatermark()).hasValue(Columns.micros(window.plus(Duration.ofMinutes(10))));
    }
  }

  @Test
  void oneReplicaAtATimeRunsMaintenance() throws Exception {
    pg.createDatabase("maintained");
    Instant later = T0.plus(Duration.ofHours(3));
    try (JdbcHistoryStore a = PostgresHistoryStore.open(pg.jdbcUrl("maintained") + "?user=postgres",
            pg.jdbcUrl("maintained"), () -> later, new Shard(0, 2), "replica-0");
        Connection other = DriverManager.getConnection(pg.jdbcUrl("maintained") + "?user=postgres")) {
      a.recordPoll(poll(0));
      a.recordPoll(poll(1));
      Retention keep = new Retention(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));
      // Another replica is maintaining: this one skips its round.
      try (var s = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
        s.setLong(1, PostgresEngine.MAINTENANCE_LOCK);
        s.execute();
      }
      a.maintain(later, keep);
      assertThat(hourlyRows()).as("nothing rolled up while another replica maintains").isZero();
      try (var s = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        s.setLong(1, PostgresEngine.MAINTENANCE_LOCK);
        s.execute();
      }
      a.maintain(later, keep);
      assertThat(hourlyRows()).as("rolled up once the other is done").isEqualTo(1);
    }
  }

  private static long hourlyRows() throws SQLException {
    try (var c = DriverManager.getConnection(pg.jdbcUrl("maintained") + "?user=postgres");
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM statement_hourly")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The poll of {@code minute}, diffed from the snapshot of {@code base}. */
  private static PollRecord basedOn(int minute, int base) {
    return PollRecord.success(at(minute), Fixtures.diff(at(base), at(minute)), false, at(base).takenAt());
  }

  @Test
  void aStoreServerRestartedUnderTheAgentFailsWritesWhileDownAndTheStoreRecoversByItself() {
    try (JdbcHistoryStore store = open("restarted")) {
      for (int m = 0; m <= 3; m++) {
        store.recordPoll(poll(m));
      }
      pg.stop();
      try {
        assertThatThrownBy(() -> store.recordPoll(poll(4))).isInstanceOf(StoreWriteException.class)
            .hasMessageContaining("cannot record a poll of t in history store " + pg.jdbcUrl("restarted"));
        assertThat(store.health().up()).isFalse();
      } finally {
        pg.start();
      }
      // The agent's writer retries the poll it could not store; once the server answers, it is stored once.
      await().atMost(Duration.ofSeconds(30)).ignoreException(StoreWriteException.class)
          .until(() -> {
            store.recordPoll(poll(4));
            return true;
          });
      store.recordPoll(poll(5));
      assertThat(store.health().up()).isTrue();
      assertThat(store.lastSnapshot("t")).contains(at(5));
      HotQueryRow row = store.hotQueries(HotQueryFilter.between(T0, T0.plus(Duration.ofMinutes(5)))).getFirst();
      assertThat(row.usage().calls()).as("five intervals of 10 calls, none lost or twice").isEqualTo(50);
      assertThat(row.usage().intervals()).isEqualTo(5);
    }
  }
}
