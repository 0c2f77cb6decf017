package dev.earlybird.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.duckdb.DuckDBConnection;

/**
 * The embedded engine: one DuckDB file, one write connection, and a fresh {@code duplicate()} connection per read so
 * that reads run concurrently with writes (MVCC).
 *
 * <p>A failed write's connection is replaced, never reused: DuckDB ends a transaction whose COMMIT failed, but its
 * JDBC driver goes on believing one runs, so it would send no BEGIN again and every later statement would commit on
 * its own (a poll half stored) while every commit fails. A failed checkpoint invalidates the whole database instance;
 * then the file is opened again, at once or at a later write.
 */
final class DuckDbEngine implements StoreEngine {
  /**
   * DuckDB's cap on its buffer pool and operator memory (its default is 80% of the machine's RAM, which a
   * long-running agent fills with cached blocks of the store file). Above it, big aggregates spill to
   * {@code <store>.tmp}. Measured with AnalysisBench: one evaluation of a million statement series with a
   * 28-day rolling baseline peaks under 2 GB; at 1 GB it spills and takes three times as long.
   */
  static final long MAX_MEMORY_BYTES = 2L << 30;
  /**
   * In a small container DuckDB gets at most this share of the memory the JVM sees (the container's limit): the
   * heap takes up to half (the image's MaxRAMPercentage), and both must fit or the kernel kills the container.
   */
  static final double MEMORY_SHARE = 0.4;
  static final long MIN_MEMORY_BYTES = 256L << 20;

  /** DuckDB's memory cap for a JVM that sees {@code totalMemoryBytes}: 2 GB, or 40 % of it when that is less. */
  static long memoryLimitBytes(long totalMemoryBytes) {
    if (totalMemoryBytes <= 0) {
      return MAX_MEMORY_BYTES;
    }
    return Math.max(MIN_MEMORY_BYTES, Math.min(MAX_MEMORY_BYTES, (long) (totalMemoryBytes * MEMORY_SHARE)));
  }

  /** The memory this JVM may use: the container's limit when it has one (the JDK reads cgroups), else the RAM. */
  private static long visibleMemoryBytes() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  private final Path file;
  private final boolean readOnly;
  /** Opened from the file and only ever duplicated: reads and the writer get their own connections from it. */
  private volatile DuckDBConnection root;
  /** The write connection (autocommit off); null after a failure until the next write opens one. */
  private DuckDBConnection writer;
  /** The database instance was invalidated and could not be opened again yet: the next write tries. */
  private boolean reopenNeeded;
  /** Reads hold the read side; opening the file again holds the write side (DuckDB opens a file once per process). */
  private final ReentrantReadWriteLock connections = new ReentrantReadWriteLock();

  private DuckDbEngine(Path file, boolean readOnly, DuckDBConnection root) {
    this.file = file;
    this.readOnly = readOnly;
    this.root = root;
  }

  /** Opens (creating it when writable) the file; errors say how to fix them. */
  static DuckDbEngine open(Path abs, boolean readOnly) {
    try {
      return new DuckDbEngine(abs, readOnly, connect(abs, readOnly));
    } catch (SQLException e) {
      throw openError(abs, e);
    }
  }

  /** A new write connection on the open database (autocommit off, like every duplicate of the root). */
  private static DuckDBConnection writerOf(DuckDBConnection root) throws SQLException {
    DuckDBConnection w = root.duplicate();
    try (var s = w.createStatement()) {
      s.execute("SET memory_limit = '" + memoryLimitBytes(visibleMemoryBytes()) / (1 << 20) + "MiB'");
      return w;
    } catch (SQLException e) {
      StoreEngine.closeQuietly(w);
      throw e;
    }
  }

  /**
   * Opens the file. Without DuckDB's instance cache: the cache keeps handing out an instance that a failed
   * checkpoint invalidated, even after every connection to it was closed, so the store could never recover.
   */
  private static DuckDBConnection connect(Path file, boolean readOnly) throws SQLException {
    Properties props = new Properties();
    props.setProperty("jdbc_instance_cache", "false");
    if (readOnly) {
      props.setProperty("duckdb.read_only", "true");
    }
    var c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, props);
    try {
      c.setAutoCommit(false); // inherited by duplicates: a read sees one snapshot of the store, whatever commits meanwhile
      return c;
    } catch (SQLException e) {
      StoreEngine.closeQuietly(c);
      throw e;
    }
  }

  static HistoryException openError(Path file, SQLException e) {
    String msg = String.valueOf(e.getMessage());
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    // "Could not set lock on file": another process; "already attached" or "different configuration": this process.
    if (lower.contains("lock") || lower.contains("already attached") || lower.contains("different configuration")) {
      return new StoreInUseException(
          "history store " + file + " is in use by another process (DuckDB allows one read-write process per file): "
              + "stop the other Earlybird agent using it, or point `store:` at another file. DuckDB said: " + msg, e);
    }
    if (lower.contains("permission")) {
      return new HistoryException(
          "history store " + file + " cannot be opened: permission denied. Give the agent's user read-write access to the file and its directory. DuckDB said: " + msg, e);
    }
    if (lower.contains("not a valid duckdb") || lower.contains("corrupt") || lower.contains("checksum")
        || lower.contains("serializ") || lower.contains("version")) {
      return new HistoryException(
          "history store " + file + " is not a readable DuckDB database (corrupt, or written by an incompatible DuckDB): "
              + "move it (and its .wal) aside to start a new store. DuckDB said: " + msg, e);
    }
    return new HistoryException("cannot open history store " + file + ": " + msg, e);
  }

  Path file() {
    return file;
  }

  @Override
  public String where() {
    return file.toString();
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public Connection writer() throws SQLException {
    if (reopenNeeded) {
      reopen();
    }
    if (writer == null) {
      writer = writerOf(root);
    }
    return writer;
  }

  /**
   * Takes a new write connection and tries it; when the database instance is invalidated (a failed checkpoint), opens
   * the file again, now or at the next write.
   */
  @Override
  public void discardWriter() {
    StoreEngine.closeQuietly(writer);
    writer = null;
    if (!reopenNeeded) {
      try {
        writer = writerOf(root);
        try (var s = writer.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM schema_version")) {
          rs.next(); // fails on an invalidated database
        }
        writer.commit();
        return;
      } catch (SQLException e) {
        StoreEngine.closeQuietly(writer);
        writer = null;
        reopenNeeded = true;
      }
    }
    try {
      reopen();
    } catch (SQLException e) {
      // still failing (the disk is still full, say): the next write tries again
    }
  }

  /** Closes the database instance and opens the file again; waits for the reads in flight. */
  private void reopen() throws SQLException {
    connections.writeLock().lock();
    try {
      StoreEngine.closeQuietly(writer);
      writer = null;
      StoreEngine.closeQuietly(root);
      root = connect(file, false);
      writer = writerOf(root);
      reopenNeeded = false;
    } finally {
      connections.writeLock().unlock();
    }
  }

  @Override
  public <T> T read(JdbcHistoryStore.SqlRead<T> read) throws SQLException {
    connections.readLock().lock();
    try (Connection c = root.duplicate()) {
      return read.run(c);
    } finally {
      connections.readLock().unlock();
    }
  }

  /** CHECKPOINT writes the WAL into the file and gives freed blocks back. On a full disk it invalidates the database. */
  @Override
  public void compact(Connection w) throws SQLException {
    w.commit();
    w.setAutoCommit(true);
    try (var s = w.createStatement()) {
      s.execute("CHECKPOINT");
    } finally {
      w.setAutoCommit(false);
    }
  }

  @Override
  public long sizeBytes() {
    long size = 0;
    for (Path p : List.of(file, file.resolveSibling(file.getFileName() + ".wal"))) {
      try {
        size += Files.exists(p) ? Files.size(p) : 0;
      } catch (IOException e) {
        // a file that vanished between exists() and size() counts as empty
      }
    }
    return size;
  }

  @Override
  public void close() throws SQLException {
    StoreEngine.closeQuietly(writer); // drops an uncommitted transaction, if any
    writer = null;
    root.close();
  }
}
