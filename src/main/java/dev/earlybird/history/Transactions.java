package dev.earlybird.history;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The narrow seam through which the small alerting tables run their SQL, so they need not know which store holds
 * them. Writes may come from any thread: the store serializes them.
 */
interface Transactions {
  /**
   * Runs {@code work} in one write transaction and commits it. A failure rolls everything back and throws {@link
   * StoreWriteException} (the store is marked failing until a write works again).
   */
  void write(String what, Work work);

  /** Runs {@code read} on its own connection, seeing one committed state of the store. */
  <T> T read(String what, JdbcHistoryStore.SqlRead<T> read);

  interface Work {
    void run(Connection c) throws SQLException;
  }
}
