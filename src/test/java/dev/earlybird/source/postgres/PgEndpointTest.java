package dev.earlybird.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  void connectionPropertiesBoundTheSession() throws Exception {
    var e = new PgEndpoint("t", "jdbc:postgresql://h/postgres", "eb", "pw", Duration.ofMillis(2500), Duration.ofSeconds(5));
    var p = PgConnector.properties(e);
    assertThat(p.getProperty("ApplicationName")).isEqualTo("earlybird");
    assertThat(p.getProperty("connectTimeout")).isEqualTo("3");
    assertThat(p.getProperty("loginTimeout")).isEqualTo("3");
    assertThat(Long.parseLong(p.getProperty("socketTimeout"))).isGreaterThan(5);
    assertThat(p.getProperty("tcpKeepAlive")).isEqualTo("true");
    assertThat(p.getProperty("cancelSignalTimeout")).isEqualTo("3");
    assertThat(p.getProperty("prepareThreshold")).isEqualTo("0");
    // Nothing beyond the standard startup parameters: PgBouncer refuses unknown ones such as options.
    assertThat(p.getProperty("options")).isNull();
  }

  @Test
  void everyReadRunsInAReadOnlyTransactionThatSetsItsOwnLimits() {
    String sql = ReadOnlyTransaction.wrap("SELECT 1", Duration.ofMillis(1500));
    assertThat(sql.split(";\\s*"))
        .containsExactly(
            "BEGIN READ ONLY",
            "SET LOCAL statement_timeout = 1500",
            "SET LOCAL lock_timeout = 200",
            "SET LOCAL idle_in_transaction_session_timeout = 30000",
            "SET LOCAL search_path = pg_catalog, pg_temp",
            "SELECT 1",
            "COMMIT");
    // The client gives up (and cancels) a little after the server's own timeout, in whole seconds.
    assertThat(ReadOnlyTransaction.clientTimeoutSeconds(Duration.ofMillis(1500))).isEqualTo(3);
    assertThat(ReadOnlyTransaction.clientTimeoutSeconds(Duration.ofSeconds(5))).isEqualTo(6);
  }

  @Test
  void iamAuthAsksForANewTokenForEveryConnectionWithHostPortAndUserOfTheUrl() throws Exception {
    List<String> asked = new ArrayList<>();
    var iam = new PgPassword.IamToken((host, port, user) -> {
      asked.add(host + ":" + port + "/" + user);
      return "token-" + asked.size();
    });
    var e = new PgEndpoint("t", "jdbc:postgresql://db-1.abc.us-east-1.rds.amazonaws.com:5433/postgres", "eb", iam,
        null, null);
    assertThat(PgConnector.properties(e).getProperty("password")).isEqualTo("token-1");
    assertThat(PgConnector.properties(e).getProperty("password")).isEqualTo("token-2");
    assertThat(asked).containsExactly("db-1.abc.us-east-1.rds.amazonaws.com:5433/eb",
        "db-1.abc.us-east-1.rds.amazonaws.com:5433/eb");
    assertThat(e.toString()).doesNotContain("token").contains("iamAuth");
    assertThat(e.password().toString()).doesNotContain("token-");
  }

  @Test
  void iamTokensOnlyTravelOverTlsUnlessTheUrlChoosesAnSslmode() throws Exception {
    var iam = new PgPassword.IamToken((host, port, user) -> "tok");
    var plain = new PgEndpoint("t", "jdbc:postgresql://h/postgres", "eb", iam, null, null);
    assertThat(PgConnector.properties(plain).getProperty("sslmode")).isEqualTo("require");
    var chosen = new PgEndpoint("t", "jdbc:postgresql://h/postgres?sslmode=verify-full", "eb", iam, null, null);
    assertThat(PgConnector.properties(chosen).getProperty("sslmode")).isNull(); // the URL's wins in the driver
    var defaultPort = new PgEndpoint("t", "jdbc:postgresql://h/postgres", "eb", new PgPassword.IamToken((host, port, user) -> {
      assertThat(port).isEqualTo(5432);
      return "tok";
    }), null, null);
    PgConnector.properties(defaultPort);
    assertThat(PgConnector.properties(PgEndpoint.of("t", "jdbc:postgresql://h/postgres", "eb", "pw"))
        .getProperty("sslmode")).isNull();
  }

  @Test
  void iamAuthFailuresSayWhatIsMissing() {
    var iam = new PgPassword.IamToken((host, port, user) -> {
      throw new IllegalStateException("Unable to load credentials from any of the providers in the chain "
          + "AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(), "
          + "EnvironmentVariableCredentialsProvider()]) : [SystemPropertyCredentialsProvider(): Unable to load "
          + "credentials from system settings.]");
    });
    assertThatThrownBy(() -> PgConnector.properties(new PgEndpoint("t", "jdbc:postgresql://h/postgres", "eb", iam,
        null, null)))
        .isInstanceOfSatisfying(SourceException.class, x -> assertThat(x.reason()).isEqualTo(ErrorReason.AUTH))
        .hasMessageContaining("target t: IAM auth: no token could be made (no AWS credentials found)")
        .hasMessageContaining("give the agent AWS credentials")
        .hasMessageNotContaining("Provider");
    var ok = new PgPassword.IamToken((host, port, user) -> "tok");
    assertThatThrownBy(() -> PgConnector.properties(new PgEndpoint("t", "jdbc:postgresql://a,b/postgres", "eb", ok,
        null, null)))
        .isInstanceOfSatisfying(SourceException.class, x -> assertThat(x.reason()).isEqualTo(ErrorReason.BAD_VALUE))
        .hasMessageContaining("exactly one host");
    assertThatThrownBy(() -> PgConnector.properties(new PgEndpoint("t", "jdbc:postgresql://h/postgres", null, ok,
        null, null)))
        .hasMessageContaining("needs a user");
  }

  @Test
  void checkSaysWhetherATokenCanBeMadeBeforeConnecting() {
    var none = new PgPassword.IamToken((host, port, user) -> {
      throw new IllegalStateException("Unable to load credentials");
    });
    List<CheckResult> results = TargetCheck.run(new PgEndpoint("t", "jdbc:postgresql://127.0.0.1:1/postgres", "eb",
        none, null, null));
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("IAM auth token");
      assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
      assertThat(r.fix()).contains("AWS credentials");
    });
    List<CheckResult> made = TargetCheck.run(new PgEndpoint("t", "jdbc:postgresql://127.0.0.1:1/postgres", "eb",
        new PgPassword.IamToken((host, port, user) -> "tok"), null, null));
    assertThat(made.get(0).status()).isEqualTo(CheckResult.Status.PASS);
    assertThat(made.get(0).detail()).doesNotContain("tok ").endsWith("sent over TLS (sslmode=require)");
    assertThat(made.get(1).name()).isEqualTo("reachable");
    List<CheckResult> plain = TargetCheck.run(new PgEndpoint("t", "jdbc:postgresql://127.0.0.1:1/postgres?sslmode=disable",
        "eb", new PgPassword.IamToken((host, port, user) -> "tok"), null, null));
    assertThat(plain.get(0).status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(plain.get(0).detail()).contains("sslmode=disable in the URL lets it travel without TLS");
  }

  @org.junit.jupiter.api.Test
  void theDatabaseAUrlNamesIsReadAsTheDriverReadsIt() {
    org.assertj.core.api.Assertions.assertThat(PgEndpoint.databaseOf("jdbc:postgresql://h:5432/tenant%20a?sslmode=require"))
        .contains("tenant a");
    org.assertj.core.api.Assertions.assertThat(PgEndpoint.databaseOf("jdbc:postgresql://h1:5432,h2:5433/app")).contains("app");
    org.assertj.core.api.Assertions.assertThat(PgEndpoint.databaseOf("jdbc:mysql://h/app")).isEmpty();
  }
}
