package dev.earlybird.history;

import dev.earlybird.model.Shard;
import java.time.InstantSource;

/** Opens the shared store: a {@link JdbcHistoryStore} on a PostgreSQL database ({@link PostgresEngine}). */
public final class PostgresHistoryStore {
  private PostgresHistoryStore() {}

  /**
   * Connects, and brings the database to this build's schema (under an advisory lock, so agents starting together
   * migrate once). The server must be reachable now: the agent does not start on a store it cannot open.
   *
   * @param url a {@code jdbc:postgresql://} URL, credentials included
   * @param where how messages name the store: the URL without credentials
   * @param shard which of the replicas sharing the store this agent is ({@link Shard#ALONE} for a lone agent)
   * @param replica how this agent is named to the others (its host or pod name)
   */
  public static JdbcHistoryStore open(String url, String where, InstantSource clock, Shard shard, String replica) {
    return start(new PostgresEngine(url, where, new ShardLocks(shard, replica, clock)), clock);
  }

  /** A lone agent's store. */
  public static JdbcHistoryStore open(String url, String where, InstantSource clock) {
    return open(url, where, clock, Shard.ALONE, "earlybird");
  }

  /**
   * Opens the store for reading only, next to the agent that writes it (the command line's reports); the schema must
   * be this build's.
   */
  public static JdbcHistoryStore openReadOnly(String url, String where) {
    return start(new PostgresEngine(url, where, null), InstantSource.system());
  }

  private static JdbcHistoryStore start(PostgresEngine engine, InstantSource clock) {
    String where = engine.where();
    return JdbcHistoryStore.start(engine, clock,
        cause -> "cannot open the PostgreSQL history store " + where + ": " + cause + ". Check that the server is up, "
            + "the URL's host, port and database, and the user's password and rights (it creates the tables on first "
            + "start).");
  }
}
