package dev.earlybird.source.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one target: what the agent's composition root maps the target config onto. The password is only
 * ever handed to the driver; {@link #toString()} and {@link #safeUrl()} leave it (and URL parameters, which may
 * hold one) out.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database[?params]}; URL parameters win over the properties
 *     {@link PgConnector} sets (e.g. {@code sslmode=verify-full&sslrootcert=...})
 * @param password what a new connection logs in with: none, a fixed password, or a fresh IAM token (null: none)
 * @param statementTimeout per statement on the server; the socket timeout is set above it
 */
public record PgEndpoint(
    String targetName,
    String jdbcUrl,
    String user,
    PgPassword password,
    Duration connectTimeout,
    Duration statementTimeout) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);

  public PgEndpoint {
    Objects.requireNonNull(targetName, "targetName");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("target " + targetName + ": url must start with jdbc:postgresql:");
    }
    password = password == null ? PgPassword.NONE : password;
    connectTimeout = positiveOr(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    statementTimeout = positiveOr(statementTimeout, DEFAULT_STATEMENT_TIMEOUT);
  }

  /** With a fixed password (null: none). */
  public PgEndpoint(
      String targetName,
      String jdbcUrl,
      String user,
      String password,
      Duration connectTimeout,
      Duration statementTimeout) {
    this(targetName, jdbcUrl, user, PgPassword.ofNullable(password), connectTimeout, statementTimeout);
  }

  /** An endpoint with the default timeouts and a fixed password (null: none). */
  public static PgEndpoint of(String targetName, String jdbcUrl, String user, String password) {
    return new PgEndpoint(targetName, jdbcUrl, user, password, null, null);
  }

  /** The database a JDBC URL names, as the driver reads it; empty when it names none or cannot be parsed. */
  public static java.util.Optional<String> databaseOf(String jdbcUrl) {
    java.util.Properties p = org.postgresql.Driver.parseURL(jdbcUrl, null);
    return java.util.Optional.ofNullable(p == null ? null : p.getProperty("PGDBNAME")).filter(d -> !d.isEmpty());
  }

  /** The URL without its parameters (which may carry a password), for messages and logs. */
  public String safeUrl() {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
  }

  @Override
  public String toString() {
    return "PgEndpoint[" + targetName + ", " + safeUrl() + ", user=" + user
        + (password instanceof PgPassword.IamToken ? ", iamAuth" : "") + "]";
  }

  private static Duration positiveOr(Duration d, Duration fallback) {
    return d == null || d.isZero() || d.isNegative() ? fallback : d;
  }
}
