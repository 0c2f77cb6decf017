package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.earlybird.analysis.CpuSource;
import dev.earlybird.analysis.HotList;
import dev.earlybird.config.BaselineConfig;
import dev.earlybird.config.PollConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.model.Period;
import dev.earlybird.model.TargetStatus;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code track_io_timing} turned on with a reload (as an RDS parameter group change does, without a restart) is
 * seen on the poller's long-lived connection within {@code poll.textRefresh}: the metric the alert reads, and the
 * CPU layer, follow without a reconnect. Turned off again, what was polled before keeps its CPU layer.
 */
class SettingsRereadIT {
  @Test
  void trackIoTimingTurnedOnIsSeenWithoutReconnecting(@TempDir Path dir) throws Exception {
    // Left at PostgreSQL's default (off) rather than set on the command line, which ALTER SYSTEM could not override.
    PgServer pg = PostgresServers.dedicated(16, Map.of("track_io_timing", ""));
    try (JdbcHistoryStore store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
        HistoryWriter writer = new HistoryWriter(store, 8)) {
      AgentMetrics metrics = new AgentMetrics("test");
      FleetState fleet = new FleetState(List.of("pg"));
      PollConfig poll = new PollConfig(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(900),
          Duration.ofSeconds(5), 1000);
      int[] connects = {0};
      TargetPoller poller = new TargetPoller(TargetConfig.of("pg", pg.jdbcUrl("postgres")), () -> poll,
          () -> TenantsConfig.DEFAULT, t -> {
            connects[0]++;
            return new PgStatStatementsSource(PgEndpoint.of(t.name(), t.url(), "postgres", null));
          }, store, writer, metrics, fleet, InstantSource.system(),
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random()));
      poller.pollOnce();
      assertThat(metrics.scrape("text/plain").body()).contains("earlybird_target_track_io_timing{target=\"pg\"} 0");

      try (Connection c = pg.superuser("postgres"); Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM SET track_io_timing = on");
        s.execute("SELECT pg_reload_conf()");
      }
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        poller.pollOnce();
        assertThat(metrics.scrape("text/plain").body()).contains("earlybird_target_track_io_timing{target=\"pg\"} 1");
      });
      assertThat(fleet.get("pg")).get().extracting(TargetStatus::trackIoTiming).isEqualTo(true);
      assertThat(connects[0]).as("the same connection all along").isEqualTo(1);
      poller.close();
    } finally {
      pg.close();
    }
  }

  @Test
  void aWindowPolledWithIoTimedKeepsItsCpuSourceAfterTrackIoTimingIsTurnedOff(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.dedicated(16, Map.of("track_io_timing", ""));
    try (JdbcHistoryStore store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
        HistoryWriter writer = new HistoryWriter(store, 8);
        Connection c = pg.superuser("postgres");
        Statement s = c.createStatement()) {
      AgentMetrics metrics = new AgentMetrics("test");
      PollConfig poll = new PollConfig(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(900),
          Duration.ofSeconds(5), 1000);
      TargetPoller poller = new TargetPoller(TargetConfig.of("pg", pg.jdbcUrl("postgres")), () -> poll,
          () -> TenantsConfig.DEFAULT,
          t -> new PgStatStatementsSource(PgEndpoint.of(t.name(), t.url(), "postgres", null)), store, writer, metrics, new FleetState(List.of("pg")), InstantSource.system(),
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random()));
      String work = "SELECT count(*) AS cpu_history FROM generate_series(1, 20000)";
      setTrackIoTiming(s, poller, metrics, true);
      Period timed = window(s, poller, writer, work);
      setTrackIoTiming(s, poller, metrics, false);
      Period untimed = window(s, poller, writer, work);
      long queryId;
      try (var rs = s.executeQuery("SELECT queryid FROM pg_stat_statements WHERE query LIKE '%cpu_history%'"
          + " AND query NOT LIKE '%pg_stat_statements%'")) {
        rs.next();
        queryId = rs.getLong(1);
      }
      HotList hot = new HotList(store, TenantsConfig.DEFAULT, BaselineConfig.defaults());
      assertThat(cpuSource(hot, timed, queryId)).isEqualTo(CpuSource.EXEC_MINUS_IO);
      assertThat(cpuSource(hot, untimed, queryId)).isEqualTo(CpuSource.EXEC_TIME);
      poller.close();
    } finally {
      pg.close();
    }
  }

  private static void setTrackIoTiming(Statement s, TargetPoller poller, AgentMetrics metrics, boolean on)
      throws Exception {
    s.execute("ALTER SYSTEM SET track_io_timing = " + (on ? "on" : "off"));
    s.execute("SELECT pg_reload_conf()");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      poller.pollOnce();
      assertThat(metrics.scrape("text/plain").body())
          .contains("earlybird_target_track_io_timing{target=\"pg\"} " + (on ? 1 : 0));
    });
  }

  /** The statement run before a poll and again within the returned window, which ends once its poll is stored. */
  private static Period window(Statement s, TargetPoller poller, HistoryWriter writer, String work) throws Exception {
    s.execute(work);
    poller.pollOnce();
    Instant from = Instant.now();
    for (int i = 0; i < 5; i++) {
      s.execute(work);
    }
    poller.pollOnce();
    writer.submit(store -> {}).get(10, TimeUnit.SECONDS); // the writer is a queue: this waits for the poll's write
    return new Period(from, Instant.now());
  }

  private static CpuSource cpuSource(HotList hot, Period p, long queryId) {
    return hot.rank(new HotList.Request(p.from(), p.to(), "pg", null, null, 1000)).stream()
        .filter(q -> q.queryId() == queryId).findFirst().orElseThrow().cpuSource();
  }
}
