package dev.earlybird.source.postgres;

import static dev.earlybird.source.postgres.PgTestSupport.superuserEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.earlybird.model.ServerSettings;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The settings behind the advisor's settings rule, on the oldest and a newer major. */
class SettingsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsSettingsAndTheExtensionsState(int major) throws Exception {
    PgServer server = PostgresServers.shared(major);
    server.createDatabase("settings_pgss");
    server.createDatabase("settings_plain");
    server.execute("settings_plain", "DROP EXTENSION IF EXISTS pg_stat_statements");

    ServerSettings s = read(server, "settings_pgss");
    assertThat(s.serverVersionNum() / 10000).isEqualTo(major);
    assertThat(s.trackIoTiming()).isTrue();
    assertThat(s.trackPlanning()).contains(false);
    assertThat(s.pgssMax()).isEqualTo(5000);
    assertThat(s.pgssVersion()).isEqualTo(s.pgssDefaultVersion()).isNotBlank();
    assertThat(s.dealloc()).isZero();
    if (major >= 14) {
      assertThat(s.statsReset()).hasValueSatisfying(t -> assertThat(t).isBefore(Instant.now()));
    } else {
      assertThat(s.statsReset()).isEmpty();
    }

    ServerSettings plain = read(server, "settings_plain");
    assertThat(plain.pgssVersion()).isNull();
    assertThat(plain.pgssDefaultVersion()).isEqualTo(s.pgssDefaultVersion());
    assertThat(plain.pgssMax()).isEqualTo(5000);
    assertThat(plain.dealloc()).isZero();
    assertThat(plain.statsReset()).isEmpty();
  }

  @Test
  void countsDeallocationsAndSeesTheLibraryNotLoaded() throws Exception {
    int major = PostgresVersions.newest();
    try (PgServer small = PostgresServers.dedicated(major, Map.of(
        "pg_stat_statements.max", "100", "track_io_timing", "off", "pg_stat_statements.track_planning", "on"))) {
      small.createDatabase("settings_small");
      for (int i = 0; i < 30; i++) {
        var distinct = new String[10];
        for (int j = 0; j < distinct.length; j++) {
          distinct[j] = "SELECT " + "1, ".repeat(i * 10 + j) + "1";
        }
        small.execute("settings_small", distinct);
      }
      ServerSettings s = read(small, "settings_small");
      assertThat(s.pgssMax()).isEqualTo(100);
      assertThat(s.dealloc()).as("300 distinct statements through 100 entries").isPositive();
      assertThat(s.trackIoTiming()).isFalse();
      assertThat(s.trackPlanning()).contains(true);
    }
    try (PgServer unloaded = PostgresServers.dedicated(major, Map.of("shared_preload_libraries", ""))) {
      ServerSettings s = read(unloaded, "postgres");
      assertThat(s.pgssMax()).isZero();
      assertThat(s.trackPlanning()).isEmpty();
      assertThat(s.pgssVersion()).isNull();
      assertThat(s.dealloc()).isZero();
    }
  }

  private static ServerSettings read(PgServer server, String database) throws Exception {
    try (Connection c = PgConnector.open(superuserEndpoint(server, database))) {
      return Settings.read(c, TIMEOUT);
    }
  }
}
