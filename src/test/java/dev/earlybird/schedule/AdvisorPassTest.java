package dev.earlybird.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.analysis.AdvisorBoard;
import dev.earlybird.config.AdvisorConfig;
import dev.earlybird.config.AnalysisConfig;
import dev.earlybird.config.TargetAdvisor;
import dev.earlybird.config.TargetConfig;
import dev.earlybird.config.TenantsConfig;
import dev.earlybird.history.DuckDbHistoryStore;
import dev.earlybird.history.JdbcHistoryStore;
import dev.earlybird.metrics.AdvisorMetrics;
import dev.earlybird.metrics.AgentMetrics;
import dev.earlybird.model.DatabaseInfo;
import dev.earlybird.source.postgres.AdvisorConnections;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the advisor's switches do: off per target or for all means no connection to any database. */
class AdvisorPassTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
  static final TargetConfig PG = TargetConfig.of("pg1", "jdbc:postgresql://127.0.0.1:1/postgres");
  @TempDir Path dir;
  JdbcHistoryStore store;
  final AtomicInteger connects = new AtomicInteger();
  final Function<TargetConfig, AdvisorConnections> connect = t -> {
    connects.incrementAndGet();
    throw new AssertionError("the advisor must not connect to " + t.name());
  };

  @BeforeEach
  void open() {
    store = DuckDbHistoryStore.open(dir.resolve("h.duckdb"), () -> NOW);
    store.upsertDatabases("pg1", List.of(new DatabaseInfo("pg1", 5, "tenant_a")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  AdvisorPass pass(TargetConfig target, AdvisorConfig config) {
    return new AdvisorPass(store, store.advisor(), new AdvisorBoard(Duration.ofHours(1)), () -> List.of(target),
        connect, config, AnalysisConfig.defaults(), TenantsConfig.DEFAULT, new AdvisorMetrics(new AgentMetrics("t")),
        () -> NOW);
  }

  @Test
  void aTargetWithTheAdvisorOffIsNeverConnectedTo() {
    pass(PG.withAdvisor(new TargetAdvisor(false, Optional.empty())), AdvisorConfig.DEFAULT).run(() -> true);
    assertThat(connects).hasValue(0);
  }

  @Test
  void theAdvisorOffForAllConnectsNowhere() {
    AdvisorConfig off = new AdvisorConfig(false, Duration.ofMinutes(5), Duration.ofHours(1), 20, Duration.ofHours(6),
        50, Duration.ofSeconds(2), 2);
    pass(PG, off).run(() -> true);
    assertThat(connects).hasValue(0);
  }

  @Test
  void aTargetNotPolledYetIsLeftForALaterPass() {
    TargetConfig unknown = TargetConfig.of("pg2", "jdbc:postgresql://127.0.0.1:1/postgres");
    pass(unknown, AdvisorConfig.DEFAULT).run(() -> true);
    assertThat(connects).hasValue(0);
  }
}
