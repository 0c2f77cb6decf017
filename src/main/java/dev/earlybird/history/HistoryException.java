package dev.earlybird.history;

/** A store operation failed; the message names the store and, where known, how to fix it. */
public class HistoryException extends RuntimeException {
  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }

  public HistoryException(String message) {
    super(message);
  }
}
