package dev.earlybird.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The harness itself: every major starts with pg_stat_statements, restarts in place, and checks passwords. */
class PostgresHarnessIT {

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("dev.earlybird.testing.PostgresVersions#all")
  void sharedServerHasPgStatStatementsAndWorkloadEntries(int major) throws SQLException {
    PgServer server = PostgresServers.shared(major);
    Workload.install(server, "harness_shop");
    try (var c = server.superuser("harness_shop")) {
      Workload.run(c, 10);
      try (var s = c.createStatement();
          var rs =
              s.executeQuery(
                  """
                  SELECT current_setting('server_version_num')::int,
                         current_setting('track_io_timing'),
                         (SELECT sum(calls) FROM pg_stat_statements
                           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                             AND query LIKE 'SELECT id, name, region FROM customers%')""")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1) / 10000).isEqualTo(major);
        assertThat(rs.getString(2)).isEqualTo("on");
        assertThat(rs.getLong(3)).isEqualTo(10);
      }
    }
    assertThatThrownBy(server::stop).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("dev.earlybird.testing.PostgresVersions#all")
  void dedicatedServerRestartsOnSamePortAndChecksPasswords(int major) throws SQLException {
    try (PgServer server = PostgresServers.dedicated(major, Map.of("pg_stat_statements.max", "200"))) {
      int port = server.port();
      server.createLoginRole("harness_pw", "s3cret!", "pg_read_all_stats");
      try (var c = DriverManager.getConnection(server.jdbcUrl("postgres"), "harness_pw", "s3cret!")) {
        assertThat(c.isValid(5)).isTrue();
      }
      assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl("postgres"), "harness_pw", "wrong"))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("28P01");

      server.stop();
      assertThat(server.running()).isFalse();
      assertThatThrownBy(() -> server.superuser("postgres")).isInstanceOf(SQLException.class);
      server.start();
      assertThat(server.port()).isEqualTo(port);
      server.execute("postgres", "SELECT 1");
      try (var c = server.superuser("postgres");
          var rs = c.createStatement().executeQuery("SHOW pg_stat_statements.max")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("200");
      }
    }
  }
}
