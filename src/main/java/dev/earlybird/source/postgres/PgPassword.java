package dev.earlybird.source.postgres;

import java.util.Objects;

/**
 * What a new connection of a target logs in with. A fixed password, none, or an RDS IAM auth token made afresh for
 * every new connection: a token is valid for 15 minutes, so one kept for a reconnect an hour later would fail.
 * None of them ever prints its value.
 */
public sealed interface PgPassword {
  PgPassword NONE = new None();

  /** A fixed password, or {@link #NONE} for null. */
  static PgPassword ofNullable(String password) {
    return password == null ? NONE : new Fixed(password);
  }

  /** No password: trust, .pgpass, a client certificate, or one in the URL. */
  record None() implements PgPassword {}

  /** The same password for every connection. */
  record Fixed(String value) implements PgPassword {
    public Fixed {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return "Fixed[***]";
    }
  }

  /**
   * A new RDS IAM auth token for every connection, for the host, port and user that connection uses. The driver
   * gets it with {@code sslmode=require} unless the URL sets an sslmode: the token is a bearer credential and must
   * only travel over TLS.
   */
  record IamToken(TokenSource source) implements PgPassword {
    public IamToken {
      Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
      return "IamToken[***]";
    }
  }

  /** Makes IAM auth tokens; in production {@code AwsClients.iamAuthToken} for the target's AWS link. */
  @FunctionalInterface
  interface TokenSource {
    /**
     * A token for {@code user} at {@code host:port}.
     *
     * @throws RuntimeException when none can be made (no AWS credentials, the role cannot be assumed); its message
     *     must not contain secrets (the SDK's do not)
     */
    String token(String host, int port, String user);
  }
}
