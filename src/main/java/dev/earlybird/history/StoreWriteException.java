package dev.earlybird.history;

/**
 * The store could not write (a full disk, an I/O error): the write was rolled back and the store reported it
 * once through its {@link StoreHealth}, so whoever submitted the write need not log it again.
 */
public final class StoreWriteException extends HistoryException {
  public StoreWriteException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code e}, or what it wraps (a writer's future does), is a failed store write. */
  public static boolean isCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StoreWriteException) {
        return true;
      }
    }
    return false;
  }
}
