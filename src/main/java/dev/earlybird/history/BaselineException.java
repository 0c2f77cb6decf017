package dev.earlybird.history;

/** A pinned-baseline request the store refuses; the message says what to do instead. */
public final class BaselineException extends HistoryException {
  public enum Reason {
    /** a bad name or window, or a window with nothing recorded in it */
    INVALID,
    /** a baseline of that name exists */
    EXISTS,
    /** no baseline of that name */
    NOT_FOUND
  }

  private final Reason reason;

  public BaselineException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public static BaselineException notFound(String name) {
    return new BaselineException(Reason.NOT_FOUND, "there is no pinned baseline named '" + name + "'");
  }

  public Reason reason() {
    return reason;
  }
}
