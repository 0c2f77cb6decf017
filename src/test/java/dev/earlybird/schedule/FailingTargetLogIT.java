package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.earlybird.config.PollConfig;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.history.HistoryWriter;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.metrics.FleetState;
import dev.earlybird.source.postgres.PgEndpoint;
import dev.earlybird.source.postgres.PgStatStatementsSource;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A target that connects but then fails on every poll (EXECUTE on pg_stat_statements revoked) logs "connected"
 * once and the failure once, not a "connected" per retry that reads as healthy; fixed, it says it works again.
 */
class FailingTargetLogIT {
  @Test
  void connectedIsLoggedOnceWhileTheTargetKeepsFailingAfterConnecting(@TempDir Path dir) throws Exception {
    PgServer pg = PostgresServers.shared(PostgresVersions.newest());
    String db = "eb_denied";
    pg.createDatabase(db);
    pg.createLoginRole("eb_denied", "denied-pw", "pg_read_all_stats");
    pg.execute(db, "REVOKE EXECUTE ON FUNCTION pg_stat_statements(boolean) FROM PUBLIC");
    var logs = new ListAppender<ILoggingEvent>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(TargetPoller.class);
    logger.addAppender(logs);
    try (JdbcHistoryStore store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"));
        HistoryWriter writer = new HistoryWriter(store, 8)) {
      AgentMetrics metrics = new AgentMetrics("test");
      TargetPoller poller = new TargetPoller(TargetConfig.of("pg", pg.jdbcUrl(db)), PollConfig::defaults,
          () -> TenantsConfig.DEFAULT,
          t -> new PgStatStatementsSource(PgEndpoint.of(t.name(), t.url(), "eb_denied", "denied-pw")),
          store, writer, metrics, new FleetState(List.of("pg")), InstantSource.system(),
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random()));
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
        poller.pollOnce();
        assertThat(metrics.scrape("text/plain").body()).contains(
            "earlybird_poll_errors_total{reason=\"permission\",source=\"pg_stat_statements\",target=\"pg\"} 4.0");
      });
      assertThat(messages(logs, Level.INFO)).filteredOn(m -> m.contains("connected")).hasSize(1);
      assertThat(messages(logs, Level.WARN)).singleElement().asString().contains("poll failed (permission)");

      pg.execute(db, "GRANT EXECUTE ON FUNCTION pg_stat_statements(boolean) TO PUBLIC");
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
        poller.pollOnce();
        assertThat(messages(logs, Level.INFO)).contains("target pg: polling works again");
      });
      assertThat(messages(logs, Level.INFO)).filteredOn(m -> m.contains("connected")).hasSize(1);
      poller.close();
    } finally {
      logger.detachAppender(logs);
    }
  }

  private static List<String> messages(ListAppender<ILoggingEvent> logs, Level level) {
    return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }
}
