package dev.earlybird.source.postgres;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.core.BaseConnection;

/**
 * Opens the one monitoring connection of a target, configured to bound Earlybird's own impact:
 *
 * <ul>
 *   <li>{@code ApplicationName=earlybird}, so DBAs see who we are and the agent can count its own sessions;
 *   <li>no startup parameter beyond the standard ones (so PgBouncer's usual {@code ignore_startup_parameters =
 *       extra_float_digits} suffices): the server-side limits ({@code statement_timeout}, {@code lock_timeout},
 *       read-only, a safe {@code search_path}) are set inside every read's own transaction by {@link
 *       ReadOnlyTransaction}, where they hold through PgBouncer in transaction mode too;
 *   <li>{@code connectTimeout}/{@code loginTimeout}; a client-side query timeout just above the statement timeout
 *       that cancels the query on the server ({@link ReadOnlyTransaction#limitWait}); {@code socketTimeout} above
 *       both, to catch a dead peer, after which {@link #cancelIfAbandoned} still reaches the server; {@code
 *       tcpKeepAlive}; {@code cancelSignalTimeout} as the connect timeout, so a cancel never waits longer;
 *   <li>{@code prepareThreshold=0}: no named server-prepared statements, so it works through PgBouncer in
 *       transaction mode, and results come in text format. Measured on PostgreSQL 17 with 1,643 entries: 353 KB
 *       per poll in text against 531 KB in binary (which the driver switches to for server-prepared statements):
 *       most counters are small numbers ("0" is 1 byte in text, 8 in binary). The statement text we send
 *       instead (~1.3 KB) is noise next to that.
 * </ul>
 *
 * The password goes to the driver only; messages name the target and {@link PgEndpoint#safeUrl()}. With an
 * {@link PgPassword.IamToken} every new connection gets a token of its own, with {@code sslmode=require} unless the
 * URL chooses an sslmode (verify-full with the RDS CA bundle is stronger, and left alone).
 */
public final class PgConnector {
  static final Duration LOCK_TIMEOUT = Duration.ofMillis(200);
  static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
  /** How much longer the socket waits than the server's statement timeout before giving up on the peer. */
  static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);

  private static final Driver DRIVER = new Driver();

  private PgConnector() {}

  /** A new connection for {@code endpoint}; the caller closes it. */
  public static Connection open(PgEndpoint endpoint) throws SourceException {
    Connection c;
    try {
      c = DRIVER.connect(endpoint.jdbcUrl(), properties(endpoint));
    } catch (SQLException e) {
      throw connectFailed(endpoint, e);
    }
    if (c == null) {
      throw new SourceException(
          ErrorReason.BAD_VALUE, "target " + endpoint.targetName() + ": not a PostgreSQL JDBC URL: " + endpoint.safeUrl());
    }
    return c;
  }

  static Properties properties(PgEndpoint e) throws SourceException {
    var p = new Properties();
    if (e.user() != null) {
      p.setProperty("user", e.user());
    }
    switch (e.password()) {
      case PgPassword.None none -> {}
      case PgPassword.Fixed fixed -> p.setProperty("password", fixed.value());
      case PgPassword.IamToken iam -> {
        p.setProperty("password", iamToken(e, iam));
        if (urlProperties(e).getProperty("sslmode") == null) {
          p.setProperty("sslmode", "require");
        }
      }
    }
    p.setProperty("ApplicationName", "earlybird");
    long connectS = ceilSeconds(e.connectTimeout());
    p.setProperty("connectTimeout", Long.toString(connectS));
    p.setProperty("loginTimeout", Long.toString(connectS));
    p.setProperty("socketTimeout", Long.toString(ceilSeconds(e.statementTimeout().plus(SOCKET_MARGIN))));
    p.setProperty("cancelSignalTimeout", Long.toString(connectS));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("prepareThreshold", "0");
    // 13 is the oldest server we support; lets the driver put its session settings in the startup packet.
    p.setProperty("assumeMinServerVersion", "13");
    return p;
  }

  /**
   * A failed connect, classified, with what to do for the failures whose driver message alone does not say it: a
   * host name that does not resolve is named, and a TLS failure says which setting fixes it.
   */
  static SourceException connectFailed(PgEndpoint e, SQLException error) {
    String what = "target " + e.targetName() + " (" + e.safeUrl() + "): connect";
    ErrorReason reason = SourceException.classify(error);
    String host = urlProperties(e).getProperty("PGHOST", "?");
    return switch (reason) {
      case DNS -> new SourceException(reason, what + ": host " + host + " does not resolve; check the host name "
          + "and the agent's DNS", error);
      case TLS -> new SourceException(reason, what + ": TLS failed: " + tlsProblem(error, host) + " ("
          + firstLine(error.getMessage()) + ")", error);
      default -> String.valueOf(error.getMessage()).contains("unsupported startup parameter")
          ? new SourceException(reason, what + ": " + firstLine(error.getMessage()) + " (a pooler such as PgBouncer"
              + " refuses startup parameters it does not know; Earlybird sends none beyond the standard ones, so"
              + " remove it from the URL's parameters, or list it in the pooler's ignore_startup_parameters)", error)
          : SourceException.of(what, error);
    };
  }

  private static String tlsProblem(SQLException error, String host) {
    String message = String.valueOf(error.getMessage());
    if (message.contains("hostnameverifier")) {
      return "the server's certificate is not for host " + host + "; connect by a name in its subject alternative "
          + "names (for RDS, the instance endpoint)";
    }
    if (message.contains("SSL root certificate file")) {
      return "the file sslrootcert names cannot be read; point it at the CA bundle (for RDS, global-bundle.pem)";
    }
    if (message.contains("does not support SSL")) {
      return "the server does not offer TLS; turn ssl on there, or do not require it in sslmode";
    }
    return "the server's certificate could not be verified; set sslrootcert in the URL to the CA bundle that "
        + "signed it (for RDS, global-bundle.pem)";
  }

  /**
   * A new IAM auth token for the endpoint's host, port and user (from the URL when the endpoint has none). Used for
   * every connection, and by {@code check} to say whether one can be made at all before connecting.
   */
  static String iamToken(PgEndpoint e, PgPassword.IamToken iam) throws SourceException {
    Properties url = urlProperties(e);
    String host = url.getProperty("PGHOST", "");
    String user = e.user() != null ? e.user() : url.getProperty("user");
    String what = "target " + e.targetName() + ": IAM auth";
    if (host.isEmpty() || host.contains(",")) {
      throw new SourceException(ErrorReason.BAD_VALUE, what + " needs exactly one host in the URL, got "
          + e.safeUrl() + " (use one target per instance endpoint)");
    }
    if (user == null || user.isBlank()) {
      throw new SourceException(ErrorReason.BAD_VALUE, what + " needs a user: the token is signed for one "
          + "database user (set user)");
    }
    int port;
    try {
      port = Integer.parseInt(url.getProperty("PGPORT", "5432"));
    } catch (NumberFormatException ex) {
      throw new SourceException(ErrorReason.BAD_VALUE, what + ": the port in " + e.safeUrl() + " is not a number");
    }
    try {
      return iam.source().token(host, port, user);
    } catch (RuntimeException ex) {
      // The SDK's "Unable to load credentials ..." lists every provider of its chain: hundreds of characters that
      // bury the one thing to do, which follows.
      String why = String.valueOf(ex.getMessage()).startsWith("Unable to load credentials")
          ? "no AWS credentials found" : firstLine(ex.getMessage());
      throw new SourceException(ErrorReason.AUTH, what + ": no token could be made (" + why
          + "); give the agent AWS credentials (environment, profile, web identity, ECS task or EC2 instance role)",
          ex);
    }
  }

  /** The sslmode the URL chooses, if any (with IAM auth, none means {@code require}). */
  static Optional<String> urlSslmode(PgEndpoint e) {
    return Optional.ofNullable(urlProperties(e).getProperty("sslmode"));
  }

  /** The URL's host, port and parameters as the driver reads them; empty when it cannot parse the URL. */
  private static Properties urlProperties(PgEndpoint e) {
    Properties parsed = Driver.parseURL(e.jdbcUrl(), null);
    return parsed == null ? new Properties() : parsed;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /**
   * After a failed read: if the driver gave up on {@code c} (socket timeout, interrupt: it closes the connection
   * then), asks the server to cancel what it may still be running, over a connection of its own (PgBouncer forwards
   * it to the server connection ours is linked to, and drops it if there is none). The server does not notice a
   * closed client while its query runs. A connection that got the server's error back runs nothing: no cancel.
   * Best effort; the server's own statement_timeout is the backstop.
   */
  static void cancelIfAbandoned(Connection c) {
    // An interrupted thread could not open the cancel socket: clear the flag for the call, then restore it.
    boolean interrupted = Thread.interrupted();
    try {
      if (c.isClosed() && c instanceof BaseConnection pg) {
        pg.getQueryExecutor().sendQueryCancel();
      }
    } catch (SQLException | RuntimeException e) {
      // the server is unreachable too: its own statement_timeout ends the query
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long ceilSeconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }
}
