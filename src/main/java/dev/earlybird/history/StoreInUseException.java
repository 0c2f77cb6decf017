package dev.earlybird.history;

/**
 * The store file is held by another process (DuckDB allows one read-write process per file, and no reader
 * next to it): usually the running agent, which the command line then asks over HTTP instead.
 */
public final class StoreInUseException extends HistoryException {
  public StoreInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}
