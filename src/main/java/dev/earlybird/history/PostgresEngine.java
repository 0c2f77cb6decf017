package dev.earlybird.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared engine: a PostgreSQL database several agents write. One write connection (autocommit off), reopened
 * after a failure, so the store recovers by itself once the server is back; reads take an idle connection or open
 * one, each read a REPEATABLE READ READ ONLY transaction, so that a read's statements see one snapshot as on DuckDB.
 *
 * <p>Replicas share the store by session-level advisory locks on their write connections ({@link ShardLocks}), taken
 * when the connection opens, so the locks are held exactly while that session can write. A replica started as a shard
 * another live replica runs as (a second lone agent on the same database, say) waits ten seconds for it, then is
 * refused with a message saying so: two agents polling the same targets into one store would count their statements
 * twice. A write connection dropped after a failure (the server restarting, say) releases its locks with its session;
 * the next write's connection takes the presence lock again and the next claim its shards.
 *
 * <p>The connections must reach PostgreSQL directly or through a session-mode pooler: the schema and writer locks are
 * session-level advisory locks, which a transaction-mode pooler would hand to other clients.
 */
final class PostgresEngine implements StoreEngine {
  /** The advisory lock key migrations run under: "earlybird" in ASCII, read as a number. */
  static final long SCHEMA_LOCK = 0x6561726c79626972L;
  /** How long an agent starting waits for its presence lock before it gives up. */
  private static final Duration START_WAIT = Duration.ofSeconds(10);
  /** How long a reconnecting writer waits for it: another replica may be looking at it for a moment. */
  private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);
  /** Idle read connections kept open; reads beyond run on connections opened for them and closed after. */
  private static final int IDLE_READERS = 4;

  private final String url;
  private final Properties props;
  private final String where;
  private final boolean readOnly;
  /** The write connection, holding this replica's locks; null until the first write and after a failure. */
  private Connection writer;
  /** Whether this engine held its presence lock before: only the first session waits long for it. */
  private boolean everHeld;
  /** Null for a read-only engine. */
  private final ShardLocks locks;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  /** The database's size as last read (at open, after each maintenance): {@link #sizeBytes()} runs every poll. */
  private volatile long sizeBytes;

  /**
   * @param url a {@code jdbc:postgresql://} URL, credentials included (parameters or the driver's own sources)
   * @param where how messages name the store: the URL without credentials
   * @param locks the locks this replica shares the store by; null: reads only (the command line's reports next to a
   *     running agent), no locks, no writes
   */
  PostgresEngine(String url, String where, ShardLocks locks) {
    this.url = url;
    this.where = where;
    this.readOnly = locks == null;
    this.locks = locks;
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
  public boolean shared() {
    return true;
  }

  @Override
  public Connection writer() throws SQLException {
    if (writer == null) {
      Connection c = connect();
      try {
        keepAlive(c);
        arrive(c);
      } catch (SQLException | RuntimeException e) {
        StoreEngine.closeQuietly(c);
        throw e;
      }
      writer = c;
    }
    return writer;
  }

  /**
   * Asks the server to probe the writer's connection, so that a replica whose machine vanished (no FIN, no RST) loses
   * its locks within about half a minute and another replica takes its shards, not after the kernel's two hours.
   */
  private static void keepAlive(Connection c) throws SQLException {
    try (var s = c.createStatement()) {
      s.execute("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3");
    }
    c.commit();
  }

  /** Takes this replica's presence lock on {@code c}, the new write connection, or throws {@link StoreInUseException}. */
  private void arrive(Connection c) throws SQLException {
    if (!locks.arrive(c, everHeld ? RECONNECT_WAIT : START_WAIT)) {
      var home = locks.home();
      String as = home.count() == 1 ? "" : " as shard " + home;
      throw new StoreInUseException("history store " + where + " is written by another Earlybird agent running" + as
          + " (it holds that shard's lock): stop that agent, give this one a database of its own, or run them as "
          + "replicas of one fleet with `shards:` and a shard each (--shard INDEX/COUNT).", null);
    }
    everHeld = true;
  }

  /** The key of the lock ordering poll writes and rollups: "earlyrol" in ASCII, read as a number. */
  static final long ROLLUP_LOCK = 0x6561726c79726f6cL;
  /** The key of the lock the agent running maintenance holds: "earlymnt" in ASCII, read as a number. */
  static final long MAINTENANCE_LOCK = 0x6561726c796d6e74L;

  @Override
  public void holdRollups(Connection w, boolean exclusive) throws SQLException {
    lockCall(w, exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared", ROLLUP_LOCK);
  }

  @Override
  public boolean beginMaintenance(Connection w) throws SQLException {
    boolean mine = lockCall(w, "pg_try_advisory_lock", MAINTENANCE_LOCK);
    w.commit();
    return mine;
  }

  @Override
  public void endMaintenance(Connection w) throws SQLException {
    lockCall(w, "pg_advisory_unlock", MAINTENANCE_LOCK);
    w.commit();
  }

  /** Calls advisory lock function {@code function} on {@code key}; returns its result (true for those returning void). */
  private static boolean lockCall(Connection w, String function, long key) throws SQLException {
    try (var ps = w.prepareStatement("SELECT CAST(pg_catalog." + function + "(?) AS text)")) {
      ps.setLong(1, key);
      try (var rs = ps.executeQuery()) {
        return rs.next() && !"false".equals(rs.getString(1));
      }
    }
  }

  @Override
  public void rollbackWriter() {
    if (writer != null) {
      try {
        writer.rollback();
      } catch (SQLException e) {
        discardWriter();
      }
    }
  }

  /** Takes and gives back shards on the write connection ({@link ShardLocks#claim}). */
  @Override
  public Set<Integer> claimShards(Connection w) throws SQLException {
    return locks.claim(w);
  }

  @Override
  public Map<Integer, String> shardOwners(Connection r) throws SQLException {
    return ShardLocks.owners(r);
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
      locks.left();
    }
  }

  @Override
  public void lockSchema(Connection w) throws SQLException {
    lockCall(w, "pg_advisory_lock", SCHEMA_LOCK);
  }

  @Override
  public void unlockSchema(Connection w) throws SQLException {
    lockCall(w, "pg_advisory_unlock", SCHEMA_LOCK);
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
