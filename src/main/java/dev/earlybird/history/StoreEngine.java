package dev.earlybird.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

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

  /**
   * Whether other agents write this store too: the writer then reads what it would otherwise keep in memory (the
   * rollup watermarks) and checks, at each write, that no other agent wrote what this one builds on.
   */
  default boolean shared() {
    return false;
  }

  /**
   * Orders poll writes and rollups on a store several agents write: a poll's transaction holds it shared from before
   * it reads the rollup watermarks until it commits, a rollup step holds it exclusively, so a rollup sees every poll
   * committed before it and a poll after it sees its watermark (and folds late intervals into the rollup). Released
   * at commit. Nothing to do where one thread writes.
   */
  default void holdRollups(Connection writer, boolean exclusive) throws SQLException {}

  /**
   * Whether this agent may run the store's maintenance now: on a shared store one agent at a time does (the others
   * skip it this round); {@link #endMaintenance} ends it.
   */
  default boolean beginMaintenance(Connection writer) throws SQLException {
    return true;
  }

  default void endMaintenance(Connection writer) throws SQLException {}

  /**
   * After a refused write: rolls the write transaction back but keeps the connection (and its session's locks);
   * discards it only if even that fails.
   */
  default void rollbackWriter() {
    discardWriter();
  }

  /** The shards this agent holds after claiming what it should ({@link ShardLocks}); a lone store's one shard. */
  default Set<Integer> claimShards(Connection writer) throws SQLException {
    return Set.of(0);
  }

  /** Who holds each shard, for a store several agents share; nothing otherwise (the agent holds all). */
  default Map<Integer, String> shardOwners(Connection read) throws SQLException {
    return Map.of();
  }

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
