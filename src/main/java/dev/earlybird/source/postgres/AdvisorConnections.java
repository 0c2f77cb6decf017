package dev.earlybird.source.postgres;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The advisor's connections to the databases of one target: opened on demand, at most {@code maxConnections} open
 * at once (borrowers beyond it wait, up to a timeout), reused per database and closed after {@code idleTimeout}
 * unused. Each is opened by {@link PgConnector#open} (application name, timeouts, no server-prepared statements)
 * for the target's URL with its database replaced; the work run on it reads through {@link ReadOnlyTransaction} or
 * {@link GenericPlans}, which set read-only, the timeouts and the search path per transaction.
 *
 * <p>Connected to PostgreSQL directly, a session is also made read-only as a whole ({@code
 * default_transaction_read_only}), so even a statement sent outside those transactions cannot write. Not through a
 * pooler: in transaction mode a session setting would stay on the server connection for the pooler's other clients
 * (told apart as {@link TargetCheck} does, by the backend pid the login reported).
 */
public final class AdvisorConnections implements AutoCloseable {
  public static final int DEFAULT_MAX_CONNECTIONS = 2;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_BORROW_TIMEOUT = Duration.ofSeconds(30);

  /** What runs on a borrowed connection (autocommit, no transaction open; leave it so). */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private record Idle(String database, Connection connection, Instant since) {}

  private final PgEndpoint endpoint;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final Duration borrowTimeout;
  private final InstantSource clock;
  private final Semaphore slots;
  /** Most recently given back first. Guarded by this, as are {@link #open} and {@link #closed}. */
  private final Deque<Idle> idle = new ArrayDeque<>();
  private int open;
  private boolean closed;

  /**
   * @param endpoint the target (or its advisor URL); its database is replaced by the one each borrower asks for
   */
  public AdvisorConnections(
      PgEndpoint endpoint, int maxConnections, Duration idleTimeout, Duration borrowTimeout, InstantSource clock) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("target " + endpoint.targetName() + ": advisor connections must be >= 1");
    }
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.maxConnections = maxConnections;
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.borrowTimeout = Objects.requireNonNull(borrowTimeout, "borrowTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.slots = new Semaphore(maxConnections, true);
  }

  public AdvisorConnections(PgEndpoint endpoint, InstantSource clock) {
    this(endpoint, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_BORROW_TIMEOUT, clock);
  }

  /**
   * Runs {@code work} on a connection to {@code database}, waiting for a free one up to the borrow timeout.
   *
   * @throws SourceException TIMEOUT when none became free in time; the connect failure, or {@code work}'s
   *     SQLException, classified, naming the target and the database
   */
  public <T> T withDatabase(String database, Work<T> work) throws SourceException {
    String what = "target " + endpoint.targetName() + ", database " + database;
    try {
      if (!slots.tryAcquire(borrowTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new SourceException(ErrorReason.TIMEOUT, what + ": no advisor connection became free within "
            + borrowTimeout.toMillis() + " ms (at most " + maxConnections + " per target)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException(ErrorReason.OTHER, what + ": interrupted while waiting for a connection", e);
    }
    try {
      Connection c = take(database);
      boolean reusable = false;
      try {
        T result = work.run(c);
        reusable = reusable(c);
        return result;
      } catch (SQLException e) {
        PgConnector.cancelIfAbandoned(c);
        reusable = !broken(e) && reusable(c);
        throw SourceException.of(what, e);
      } finally {
        giveBack(database, c, reusable);
      }
    } finally {
      slots.release();
    }
  }

  /** Closes the connections unused since longer than the idle timeout before {@code now}. */
  public void closeIdle(Instant now) {
    var stale = new ArrayList<Connection>();
    synchronized (this) {
      for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (!i.since().plus(idleTimeout).isAfter(now)) {
          it.remove();
          open--;
          stale.add(i.connection());
        }
      }
    }
    stale.forEach(AdvisorConnections::closeQuietly);
  }

  /** How many connections are open now, borrowed or idle. */
  public synchronized int openConnections() {
    return open;
  }

  /** Closes the idle connections now and each borrowed one when it is given back. */
  @Override
  public void close() {
    List<Idle> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(idle);
      open -= all.size();
      idle.clear();
    }
    all.forEach(i -> closeQuietly(i.connection()));
  }

  /** The idle connection to {@code database}, or a new one (closing the longest idle first if at the bound). */
  private Connection take(String database) throws SourceException {
    closeIdle(clock.instant());
    Idle evicted = null;
    synchronized (this) {
      if (closed) {
        throw new SourceException(ErrorReason.OTHER, "target " + endpoint.targetName() + ": advisor is closed");
      }
      for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (i.database().equals(database)) {
          it.remove();
          return i.connection();
        }
      }
      if (open >= maxConnections) {
        // A slot is ours, so at least one open connection is idle (to another database).
        evicted = idle.pollLast();
        if (evicted != null) {
          open--;
        }
      }
      open++;
    }
    if (evicted != null) {
      closeQuietly(evicted.connection());
    }
    try {
      Connection c = PgConnector.open(forDatabase(endpoint, database));
      readOnlyIfDirect(c, database);
      return c;
    } catch (SourceException | RuntimeException e) {
      synchronized (this) {
        open--;
      }
      throw e;
    }
  }

  private void giveBack(String database, Connection c, boolean reusable) {
    synchronized (this) {
      if (reusable && !closed) {
        idle.addFirst(new Idle(database, c, clock.instant()));
        return;
      }
      open--;
    }
    closeQuietly(c);
  }

  /**
   * On a direct connection, {@code default_transaction_read_only} for the whole session, in one round trip: the
   * server sets it only if its backend pid is the one the login reported.
   */
  private void readOnlyIfDirect(Connection c, String database) throws SourceException {
    try (Statement s = c.createStatement()) {
      ReadOnlyTransaction.limitWait(s, endpoint.statementTimeout());
      int loginPid = c.unwrap(PGConnection.class).getBackendPID();
      s.execute("/* earlybird */ SELECT pg_catalog.set_config('default_transaction_read_only', 'on', false)"
          + " WHERE pg_catalog.pg_backend_pid() = " + loginPid);
    } catch (SQLException e) {
      closeQuietly(c);
      throw SourceException.of("target " + endpoint.targetName() + ", database " + database, e);
    }
  }

  /** Whether {@code c} is as a borrower must find it: open, autocommit, no transaction left open. */
  private static boolean reusable(Connection c) {
    try {
      return !c.isClosed() && c.getAutoCommit()
          && c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
    } catch (SQLException e) {
      return false;
    }
  }

  /** A connection-level failure: the session may be gone or in an unknown state. */
  private static boolean broken(SQLException e) {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    return state.isEmpty() || state.startsWith("08") || state.startsWith("57P");
  }

  /**
   * {@code endpoint} for {@code database}: its URL with the database replaced (URL-encoded, so any name works), host,
   * port and parameters kept.
   */
  static PgEndpoint forDatabase(PgEndpoint endpoint, String database) {
    return new PgEndpoint(endpoint.targetName(), urlFor(endpoint.jdbcUrl(), database), endpoint.user(),
        endpoint.password(), endpoint.connectTimeout(), endpoint.statementTimeout());
  }

  static String urlFor(String jdbcUrl, String database) {
    String prefix = "jdbc:postgresql:";
    int query = jdbcUrl.indexOf('?');
    String params = query < 0 ? "" : jdbcUrl.substring(query);
    String rest = jdbcUrl.substring(prefix.length(), query < 0 ? jdbcUrl.length() : query);
    String hosts = "";
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      hosts = slash < 0 ? rest : rest.substring(0, slash);
    }
    String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return prefix + (hosts.isEmpty() ? "" : hosts + "/") + encoded + params;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing is best effort: the server ends the session when the socket goes
    }
  }
}
