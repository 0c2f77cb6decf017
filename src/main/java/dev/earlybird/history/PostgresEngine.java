package dev.earlybird.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared engine: a PostgreSQL database several agents write. One write connection (autocommit off), reopened
 * after a failure, so the store recovers by itself once the server is back; reads take an idle connection or open
 * one, each read a REPEATABLE READ READ ONLY transaction, so that a read's statements see one snapshot as on DuckDB.
 *
 * <p>One agent writes a store at a time: its write connection holds a session-level advisory lock, taken when the
 * connection opens, so the lock is held exactly while that session can write. A second agent started on the same
 * database waits ten seconds for it, then is refused with a message saying so (two agents polling the same targets
 * into one store would count their statements twice). A write connection dropped after a failure (the server
 * restarting, say) releases the lock with its session, and the next write's connection takes it again; if another
 * agent took it meanwhile, this one's writes fail instead of writing next to it.
 *
 * <p>The connections must reach PostgreSQL directly or through a session-mode pooler: the schema and writer locks are
 * session-level advisory locks, which a transaction-mode pooler would hand to other clients.
 */
final class PostgresEngine implements StoreEngine {
  /** The advisory lock key migrations run under: "earlybird" in ASCII, read as a number. */
  static final long SCHEMA_LOCK = 0x6561726c79626972L;
  /** The advisory lock key the writing agent holds: "earlybird writer" hashed into the key space by hand. */
  static final long WRITER_LOCK = 0x6561726c79770001L;
  /** How long an agent starting waits for the writer lock before it gives up. */
  private static final Duration START_WAIT = Duration.ofSeconds(10);
  /** Idle read connections kept open; reads beyond run on connections opened for them and closed after. */
  private static final int IDLE_READERS = 4;

  private final String url;
  private final Properties props;
  private final String where;
  private final boolean readOnly;
  /** The write connection, holding {@link #WRITER_LOCK}; null until the first write and after a failure. */
  private Connection writer;
  /** Whether this engine held the writer lock before: only the first claim waits for it. */
  private boolean everHeld;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  /** The database's size as last read (at open, after each maintenance): {@link #sizeBytes()} runs every poll. */
  private volatile long sizeBytes;

  /**
   * @param url a {@code jdbc:postgresql://} URL, credentials included (parameters or the driver's own sources)
   * @param where how messages name the store: the URL without credentials
   * @param readOnly reads only (the command line's reports next to a running agent): no writer lock, no writes
   */
  PostgresEngine(String url, String where, boolean readOnly) {
    this.url = url;
    this.where = where;
    this.readOnly = readOnly;
    this.props = new Properties();
    props.setProperty("ApplicationName", "earlybird store");
    // A server that vanished must fail the write, not hang the writer thread; a rollup of a big day stays well below.
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "600");
    props.setProperty("tcpKeepAlive", "true");
  }

  private Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(url, props);
    try {
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      StoreEngine.closeQuietly(c);
      throw e;
    }
  }

  @Override
  public String where() {
    return where;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public Connection writer() throws SQLException {
    if (writer == null) {
      Connection c = connect();
      try {
        takeWriterLock(c);
      } catch (SQLException | RuntimeException e) {
        StoreEngine.closeQuietly(c);
        throw e;
      }
      writer = c;
    }
    return writer;
  }

  /** Takes the writer lock on {@code c}, the new write connection, or throws {@link StoreInUseException}. */
  private void takeWriterLock(Connection c) throws SQLException {
    boolean held;
    try (var ps = c.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?)")) {
      ps.setLong(1, WRITER_LOCK);
      // At start, an agent killed a moment ago may still hold the lock until the server sees its connection close.
      long deadline = System.nanoTime() + (everHeld ? 0 : START_WAIT.toNanos());
      while (!(held = tryLock(ps)) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      }
    }
    c.commit(); // a session lock outlives the transaction that took it
    if (!held) {
      throw new StoreInUseException("history store " + where + " is written by another Earlybird agent (it holds the "
          + "store's writer lock): stop that agent, or give this one a database of its own. Several agents on one "
          + "store are not supported yet.", null);
    }
    everHeld = true;
  }

  private static boolean tryLock(java.sql.PreparedStatement ps) throws SQLException {
    try (var rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /**
   * The next write opens a new connection: a failed transaction or a broken socket is never reused. Closing the
   * session releases the writer lock; the next connection takes it again.
   */
  @Override
  public void discardWriter() {
    if (writer != null) {
      try {
        writer.rollback();
      } catch (SQLException e) {
        // a broken connection has nothing to roll back
      }
      StoreEngine.closeQuietly(writer);
      writer = null;
    }
  }

  @Override
  public void lockSchema(Connection w) throws SQLException {
    try (var ps = w.prepareStatement("SELECT pg_catalog.pg_advisory_lock(?)")) {
      ps.setLong(1, SCHEMA_LOCK);
      ps.execute();
    }
  }

  @Override
  public void unlockSchema(Connection w) throws SQLException {
    try (var ps = w.prepareStatement("SELECT pg_catalog.pg_advisory_unlock(?)")) {
      ps.setLong(1, SCHEMA_LOCK);
      ps.execute();
    }
    w.commit();
    readSize(w); // the store just opened: the metric's first value
  }

  @Override
  public <T> T read(JdbcHistoryStore.SqlRead<T> read) throws SQLException {
    Connection pooled = idle.pollFirst();
    Connection c = pooled != null ? pooled : connect();
    boolean reusable = false;
    try {
      if (pooled == null) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
      }
      T out = read.run(c);
      c.rollback();
      reusable = true;
      return out;
    } finally {
      if (reusable && idle.size() < IDLE_READERS) {
        idle.addFirst(c);
      } else {
        StoreEngine.closeQuietly(c); // a failed read may have lost its connection: never hand it out again
      }
    }
  }

  /** Autovacuum gives space back; this reads the size the store metric reports, after each maintenance. */
  @Override
  public void compact(Connection w) throws SQLException {
    w.commit();
    readSize(w);
  }

  private void readSize(Connection w) throws SQLException {
    try (var s = w.createStatement();
        var rs = s.executeQuery("SELECT pg_catalog.pg_database_size(pg_catalog.current_database())")) {
      rs.next();
      sizeBytes = rs.getLong(1);
    }
    w.commit();
  }

  /** The whole database's size (other data too) as read when the store opened and after each maintenance. */
  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public void close() throws SQLException {
    discardWriter();
    for (Connection c; (c = idle.pollFirst()) != null; ) {
      StoreEngine.closeQuietly(c);
    }
  }
}
