package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * IAM auth against a real server. RDS checks the token where a plain server checks a password, so a token source
 * that hands out the role's password stands in for AWS: what is tested is that every new connection asks for a
 * token of its own, and that a token never goes out over a plaintext connection.
 */
class IamAuthIT {
  private static final String ROLE = "eb_iam_auth";
  private static final String PASSWORD = "stands-in-for-a-token";

  @Test
  void everyNewConnectionLogsInWithAFreshToken() throws Exception {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    server.createLoginRole(ROLE, PASSWORD, "pg_read_all_stats");
    AtomicInteger tokens = new AtomicInteger();
    var iam = new PgPassword.IamToken((host, port, user) -> {
      assertThat(host).isEqualTo("localhost");
      assertThat(port).isEqualTo(server.port());
      assertThat(user).isEqualTo(ROLE);
      tokens.incrementAndGet();
      return PASSWORD;
    });
    // The test server has no TLS, so the URL must say so; without it the token would be refused (see below).
    var endpoint = new PgEndpoint("iam", server.jdbcUrl("postgres") + "?sslmode=disable", ROLE, iam,
        Duration.ofSeconds(5), Duration.ofSeconds(5));

    try (Connection c = PgConnector.open(endpoint)) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(tokens).hasValue(1);
    try (var source = new PgStatStatementsSource(endpoint)) {
      assertThat(source.snapshot().entries()).isNotNull();
      assertThat(source.snapshot().entries()).isNotNull(); // same connection: no new token
    }
    assertThat(tokens).hasValue(2);
    try (var source = new PgStatStatementsSource(endpoint)) {
      source.serverInfo();
    }
    assertThat(tokens).hasValue(3);
    assertThat(TargetCheck.run(endpoint)).allSatisfy(r -> assertThat(r.status()).isNotEqualTo(CheckResult.Status.FAIL));
  }

  @Test
  void withoutAnSslmodeInTheUrlTheTokenOnlyGoesOverTls() {
    PgServer server = PostgresServers.shared(PostgresVersions.newest());
    server.createLoginRole(ROLE, PASSWORD, "pg_read_all_stats");
    var endpoint = new PgEndpoint("iam", server.jdbcUrl("postgres"), ROLE,
        new PgPassword.IamToken((host, port, user) -> PASSWORD), Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThatThrownBy(() -> PgConnector.open(endpoint).close())
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.reason()).isEqualTo(ErrorReason.TLS);
          assertThat(e.getMessage()).contains("the server does not offer TLS").doesNotContain(PASSWORD);
        });
  }
}
