package dev.earlybird.source;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A source read failed for a classified {@link ErrorReason}. The message is safe to log and show: it never holds a
 * password or a URL with credentials (callers build it from the target name and the server's message, and the
 * PostgreSQL driver does not echo passwords).
 */
public final class SourceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorReason reason;

  public SourceException(ErrorReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason);
  }

  public SourceException(ErrorReason reason, String message) {
    this(reason, message, null);
  }

  public ErrorReason reason() {
    return reason;
  }

  /** Wraps {@code error} with its classified reason and {@code context} (e.g. "target db-1: snapshot"). */
  public static SourceException of(String context, Throwable error) {
    if (error instanceof SourceException se) {
      return se;
    }
    return new SourceException(classify(error), context + ": " + describe(error), error);
  }

  /**
   * The reason for each SQLSTATE the agent meets, by exact code; {@link #BY_CLASS} covers whole classes. What the
   * server meant decides, so a pooler's or a driver's connection error counts as the server's would.
   */
  public static final Map<String, ErrorReason> BY_STATE = Map.ofEntries(
      Map.entry("28000", ErrorReason.AUTH), // invalid_authorization_specification (no pg_hba entry, no LOGIN)
      Map.entry("28P01", ErrorReason.AUTH), // invalid_password
      Map.entry("57014", ErrorReason.TIMEOUT), // query_canceled: statement_timeout, or our cancel
      Map.entry("55P03", ErrorReason.TIMEOUT), // lock_not_available: lock_timeout
      Map.entry("25P03", ErrorReason.TIMEOUT), // idle_in_transaction_session_timeout
      Map.entry("42501", ErrorReason.PERMISSION), // insufficient_privilege, also CONNECT on the database
      Map.entry("42P01", ErrorReason.MISSING_EXTENSION), // undefined_table: extension not created
      Map.entry("55000", ErrorReason.MISSING_EXTENSION), // object_not_in_prerequisite_state: not preloaded
      Map.entry("42883", ErrorReason.MISSING_EXTENSION), // undefined_function: old or missing extension
      Map.entry("22P02", ErrorReason.BAD_VALUE), // invalid_text_representation
      Map.entry("22003", ErrorReason.BAD_VALUE), // numeric_value_out_of_range
      Map.entry("53300", ErrorReason.TOO_MANY_CONNECTIONS), // max_connections, or the role's/database's limit
      Map.entry("3D000", ErrorReason.DATABASE_MISSING), // invalid_catalog_name
      Map.entry("57P01", ErrorReason.CONNECT), // admin_shutdown
      Map.entry("57P02", ErrorReason.CONNECT), // crash_shutdown
      Map.entry("57P03", ErrorReason.CONNECT)); // cannot_connect_now: starting up or in recovery

  /** Reasons of whole SQLSTATE classes (the first two characters), where no exact code matched. */
  public static final Map<String, ErrorReason> BY_CLASS = Map.of("08", ErrorReason.CONNECT); // connection_exception

  /**
   * The reason for a driver or network error: the causes first where their type is more precise than the driver's
   * generic 08001/08006 (DNS, timeout, TLS), then the SQLState (what the server meant), then other I/O causes.
   */
  public static ErrorReason classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return ErrorReason.DNS;
      }
      if (t instanceof SocketTimeoutException) {
        return ErrorReason.TIMEOUT;
      }
      if (t instanceof SSLHandshakeException
          || t instanceof SSLPeerUnverifiedException
          || isTlsMessage(t.getMessage())) {
        return ErrorReason.TLS;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (error instanceof SQLException sql && sql.getSQLState() != null) {
      ErrorReason byState = bySqlState(sql.getSQLState());
      if (byState != null) {
        return byState;
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
        return ErrorReason.CONNECT;
      }
      if (t instanceof IOException && !(t instanceof java.io.EOFException)) {
        return ErrorReason.CONNECT;
      }
    }
    return ErrorReason.OTHER;
  }

  /** The reason of a SQLSTATE per {@link #BY_STATE} and {@link #BY_CLASS}; null if neither knows it. */
  static ErrorReason bySqlState(String state) {
    ErrorReason exact = BY_STATE.get(state);
    if (exact != null || state.length() < 2) {
      return exact;
    }
    return BY_CLASS.get(state.substring(0, 2));
  }

  /**
   * The PostgreSQL driver reports a host name that the certificate does not cover, a missing root certificate file
   * and a server without TLS as plain connection failures; only their messages tell them apart.
   */
  private static boolean isTlsMessage(String message) {
    return message != null
        && (message.contains("could not be verified by hostnameverifier")
            || message.contains("SSL root certificate file")
            || message.contains("The server does not support SSL"));
  }

  /** The error's own message without the driver's stack of causes; the type if it has none. */
  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
