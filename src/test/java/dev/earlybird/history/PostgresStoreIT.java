package dev.earlybird.history;

import static dev.earlybird.history.Fixtures.counters;
import static dev.earlybird.history.Fixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.earlybird.model.Counters;
import dev.earlybird.model.Snapshot;
import dev.earlybird.model.StatementKey;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only the shared PostgreSQL store does: one agent writes it at a time (a second is refused until the first is
 * gone), and a store server restarted under a writing agent fails its writes while it is down, then the store goes on
 * by itself, with every poll stored once.
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

  private static Snapshot at(int minute) {
    Map<StatementKey, Counters> entries = Map.of(KEY, counters(10L * minute, 1, T0));
    return new Snapshot("t", T0.plus(Duration.ofMinutes(minute)), Optional.empty(), OptionalLong.empty(), entries);
  }

  private static PollRecord poll(int minute) {
    return PollRecord.success(at(minute), minute == 0 ? java.util.List.of() : Fixtures.diff(at(minute - 1), at(minute)));
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
