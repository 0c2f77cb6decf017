package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PgEndpointTest {

  @Test
  void neverShowsThePasswordOrUrlParameters() {
    var e = PgEndpoint.of("db-1", "jdbc:postgresql://h:5432/postgres?password=in-url&sslmode=verify-full", "eb", "pw-123");
    assertThat(e.toString()).doesNotContain("pw-123").doesNotContain("in-url").contains("db-1", "eb");
    assertThat(e.safeUrl()).isEqualTo("jdbc:postgresql://h:5432/postgres");
  }

  @Test
  void defaultsTimeoutsAndRejectsOtherUrls() {
    var e = PgEndpoint.of("db-1", "jdbc:postgresql://h/postgres", "eb", null);
    assertThat(e.connectTimeout()).isEqualTo(PgEndpoint.DEFAULT_CONNECT_TIMEOUT);
    assertThat(e.statementTimeout()).isEqualTo(PgEndpoint.DEFAULT_STATEMENT_TIMEOUT);
    assertThatThrownBy(() -> PgEndpoint.of("x", "jdbc:mysql://h/db", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void connectionPropertiesBoundTheSession() {
    var e = new PgEndpoint("t", "jdbc:postgresql://h/postgres", "eb", "pw", Duration.ofMillis(2500), Duration.ofSeconds(5));
    var p = PgConnector.properties(e);
    assertThat(p.getProperty("ApplicationName")).isEqualTo("earlybird");
    assertThat(p.getProperty("connectTimeout")).isEqualTo("3");
    assertThat(p.getProperty("loginTimeout")).isEqualTo("3");
    assertThat(Long.parseLong(p.getProperty("socketTimeout"))).isGreaterThan(5);
    assertThat(p.getProperty("tcpKeepAlive")).isEqualTo("true");
    assertThat(p.getProperty("readOnly")).isEqualTo("true");
    assertThat(p.getProperty("options"))
        .isEqualTo(
            "-c statement_timeout=5000 -c lock_timeout=200 -c idle_in_transaction_session_timeout=30000"
                + " -c default_transaction_read_only=on");
  }
}
