package dev.earlybird.source;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Objects;

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
   * The reason for a driver or network error: the SQLState first (it is what the server meant), then the causes,
   * whose type tells DNS from timeout from a refused connection when the driver wraps them in 08001.
   */
  public static ErrorReason classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return ErrorReason.DNS;
      }
      if (t instanceof SocketTimeoutException) {
        return ErrorReason.TIMEOUT;
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

  static ErrorReason bySqlState(String state) {
    return switch (state) {
      case "28P01", "28000" -> ErrorReason.AUTH;
      case "57014", "55P03" -> ErrorReason.TIMEOUT; // query_canceled (statement_timeout), lock_not_available
      case "42501" -> ErrorReason.PERMISSION;
      // undefined_table (extension not created), object_not_in_prerequisite_state (not preloaded),
      // undefined_function (old or missing extension)
      case "42P01", "55000", "42883" -> ErrorReason.MISSING_EXTENSION;
      case "22P02", "22003" -> ErrorReason.BAD_VALUE;
      default -> state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
          ? ErrorReason.CONNECT
          : null;
    };
  }

  /** The error's own message without the driver's stack of causes; the type if it has none. */
  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
