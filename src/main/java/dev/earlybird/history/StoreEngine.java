package dev.earlybird.history;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where a store's SQL runs: the one write connection, and connections for reads. {@link JdbcHistoryStore} holds the
 * store's SQL and transactions; an engine holds only what differs between databases in opening, replacing and
 * closing connections. Reads and writes see one committed state each (autocommit off).
 */
interface StoreEngine extends AutoCloseable {
  /** How messages name the store: the file, or the URL without credentials. */
  String where();

  boolean readOnly();

  /**
   * The write connection (autocommit off), to be used by one thread at a time under the store's write lock. Opens a
   * new one when the last failure left none (the database is opened again if it must be).
   */
  Connection writer() throws SQLException;

  /**
   * After a failed write: drops the write connection with whatever transaction it had, so the next {@link #writer()}
   * starts clean. Never throws: what cannot be fixed now is tried again at the next write.
   */
  void discardWriter();

  /**
   * Holds off other agents' schema migrations while this one checks and applies its own, on the write connection:
   * several agents sharing a store may start at once. Nothing to do where one process owns the store.
   */
  default void lockSchema(Connection writer) throws SQLException {}

  /** Ends {@link #lockSchema}. */
  default void unlockSchema(Connection writer) throws SQLException {}

  /** Runs {@code read} on a connection of its own, which sees one committed state of the store. */
  <T> T read(JdbcHistoryStore.SqlRead<T> read) throws SQLException;

  /** Gives space freed by retention back (outside any transaction); a no-op where the database does it itself. */
  void compact(Connection writer) throws SQLException;

  /** Bytes the store takes on disk; cheap (no query), for a metric updated every poll. */
  long sizeBytes();

  @Override
  void close() throws SQLException;

  static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // a connection of a failed database or a lost server: nothing more to release
      }
    }
  }
}
