package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import dev.earlybird.testing.PgServer;
import dev.earlybird.testing.PostgresServers;
import dev.earlybird.testing.PostgresVersions;
import dev.earlybird.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code sslmode=verify-full} against a real TLS-enabled server whose certificate (for {@code localhost}) the test
 * made: the right CA works; a wrong CA or a host name the certificate is not for is one clear {@code tls} error.
 */
class TlsIT {

  @Test
  void verifyFullWorksWithTheRightCaAndFailsClearlyOtherwise() throws Exception {
    TestCertificates certs = TestCertificates.make("localhost");
    try (PgServer server = PostgresServers.dedicated(PostgresVersions.newest(), certs.serverSettings())) {
      var trusted = endpoint(server, "localhost", certs.caCert());
      try (var source = new PgStatStatementsSource(trusted)) {
        assertThat(source.snapshot().entries()).isNotEmpty();
      }
      try (var c = PgConnector.open(trusted);
          var rs = c.createStatement().executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("the session is encrypted").isTrue();
      }
      assertThat(TargetCheck.run(trusted))
          .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(CheckResult.Status.PASS));

      var untrusted = endpoint(server, "localhost", certs.otherCaCert());
      assertTlsFailure(untrusted, "could not be verified", "sslrootcert");

      var wrongHost = endpoint(server, "127.0.0.1", certs.caCert());
      assertTlsFailure(wrongHost, "not for host 127.0.0.1", "subject alternative names");
    }
  }

  private static void assertTlsFailure(PgEndpoint endpoint, String problem, String fix) {
    try (var source = new PgStatStatementsSource(endpoint)) {
      assertThatThrownBy(source::snapshot)
          .isInstanceOfSatisfying(SourceException.class, e -> {
            assertThat(e.reason()).isEqualTo(ErrorReason.TLS);
            assertThat(e.getMessage()).contains("TLS failed").contains(problem).contains(fix);
          });
    }
    List<CheckResult> checks = TargetCheck.run(endpoint);
    assertThat(checks).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("reachable");
      assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
      assertThat(r.detail()).contains(problem);
      assertThat(r.fix()).contains("sslmode=verify-full").contains("sslrootcert");
    });
  }

  private static PgEndpoint endpoint(PgServer server, String host, Path rootCert) {
    String url = "jdbc:postgresql://" + host + ":" + server.port() + "/postgres?sslmode=verify-full&sslrootcert="
        + rootCert;
    return PgEndpoint.of("tls", url, "postgres", null);
  }
}
